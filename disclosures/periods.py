"""Calendar arithmetic of disclosure periods: months added, a period's end, its due day
and its label (2026年第1季度). Pure: no models, so the models and disclosures.deadlines both
use it; disclosures.deadlines re-exports these names.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext as _


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
