"""When a disclosure is due, and whether it came on time: the one definition.

A period's disclosure is due `due_days` (default 30) after the period ends, in Beijing dates.
Published on or before that day: on time (按时公开); after it: late (逾期公开); not published
and the day has passed: missing (逾期未公开, overdue). The dashboard, its alerts, the reminders,
the open-data API and the estate's disclosure page all ask `timeliness` and `expected_periods`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.choices import Timeliness
from disclosures.models import DisclosureSchedule
from disclosures.models.disclosures import DEFAULT_DUE_DAYS, DEFAULT_PERIOD_MONTHS


@dataclass(frozen=True)
class Rules:
    period_months: int
    due_days: int
    first_period_start: date | None


@dataclass(frozen=True)
class ExpectedPeriod:
    start: date
    end: date
    due: date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    return add_months(start, months) - timedelta(days=1)


def due_date(end: date, due_days: int) -> date:
    """Return the last day on which the period's disclosure is on time."""
    return end + timedelta(days=due_days)


def period_label(start: date, end: date) -> str:
    """Return 2026年第1季度, 2026年3月, 2026年上半年, 2026年度, or the two dates."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole = start.day == 1 and end == period_end(start, months)
    if whole and months == 3 and start.month in (1, 4, 7, 10):
        return _("%(y)s年第%(q)s季度") % {"y": start.year, "q": (start.month - 1) // 3 + 1}
    if whole and months == 1:
        return _("%(y)s年%(m)s月") % {"y": start.year, "m": start.month}
    if whole and months == 12 and start.month == 1:
        return _("%(y)s年度") % {"y": start.year}
    if whole and months == 6 and start.month in (1, 7):
        half = _("上半年") if start.month == 1 else _("下半年")
        return f"{start.year}{_('年')}{half}"
    return f"{start.isoformat()} — {end.isoformat()}"


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def timeliness(due: date, published_at: datetime | None, today: date) -> str:
    """Return the Timeliness of one period's disclosure (see the module docstring)."""
    if published_at is not None:
        return Timeliness.ON_TIME if local_date(published_at) <= due else Timeliness.LATE
    return Timeliness.MISSING if today > due else Timeliness.NOT_DUE


def rules_for(estate_ids, *, first_starts: dict[int, date] | None = None) -> dict[int, Rules]:
    """Return each estate's disclosure rules in one query: its schedule, or the defaults
    (quarterly, 30 days) counted from its first disclosure."""
    schedules = {
        s.estate_id: s for s in DisclosureSchedule.objects.filter(estate_id__in=list(estate_ids))
    }
    first_starts = first_starts or {}
    rules = {}
    for pk in estate_ids:
        schedule = schedules.get(pk)
        if schedule is not None:
            rules[pk] = Rules(
                schedule.period_months, schedule.due_days, schedule.first_period_start
            )
        else:
            rules[pk] = Rules(DEFAULT_PERIOD_MONTHS, DEFAULT_DUE_DAYS, first_starts.get(pk))
    return rules


def expected_periods(rules: Rules, *, until: date) -> list[ExpectedPeriod]:
    """Return the periods from the first one whose start is on or before `until`, oldest first."""
    if rules.first_period_start is None:
        return []
    periods = []
    start = rules.first_period_start
    while start <= until and len(periods) < 1200:
        end = period_end(start, rules.period_months)
        periods.append(ExpectedPeriod(start, end, due_date(end, rules.due_days)))
        start = end + timedelta(days=1)
    return periods
