"""When a disclosure is due, and whether it came on time: the one definition.

A period's disclosure is due `due_days` (default 30) after the period ends, in Beijing dates.
Published on or before that day: on time (按时公开); after it: late (逾期公开); not published
and the day has passed: missing (逾期未公开, overdue). The dashboard, its alerts, the reminders,
the open-data API and the estate's disclosure page all ask `timeliness` and `expected_periods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from disclosures.choices import Timeliness
from disclosures.models import DisclosureSchedule
from disclosures.models.disclosures import DEFAULT_DUE_DAYS, DEFAULT_PERIOD_MONTHS
from disclosures.periods import (  # noqa: F401 - add_months re-exported with the others
    add_months,
    due_date,
    period_end,
    period_label,
)


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
