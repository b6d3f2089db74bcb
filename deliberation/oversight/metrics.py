"""Figures for the officials' dashboard: action items and joint meetings per estate.

Each function takes a queryset of estates and a date range (local dates, both ends included)
and answers with one SQL query, annotating every estate (estates with nothing count zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from deliberation.oversight.choices import MeetingState, WorkState
from deliberation.oversight.models import local_today


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return [start 00:00, the day after end 00:00) in the site's time zone."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


@dataclass(frozen=True)
class ActionItemFigures:
    estate_id: int
    opened: int  # opened within the range
    done: int  # completed within the range
    open: int  # of those opened in the range: not done and not overdue today
    overdue: int  # of those opened in the range: overdue today
    extended: int = 0  # of those opened in the range: deadline moved later at least once


def action_item_figures(
    estates: QuerySet, start: date, end: date, *, today: date | None = None
) -> dict[int, ActionItemFigures]:
    """Return, per estate, the action items opened and completed in the range and where the
    ones opened in the range stand today (open or overdue)."""
    today = today or local_today()
    since, until = local_bounds(start, end)
    opened = Q(action_items__created_at__gte=since, action_items__created_at__lt=until)
    not_done = ~Q(action_items__state=WorkState.DONE)
    late = Q(action_items__due_date__lt=today)
    extended = Q(action_items__changes__to_due_date__gt=F("action_items__changes__from_due_date"))
    # The join to the changes repeats an item once per change: count distinct items.
    rows = estates.order_by().annotate(
        n_opened=Count("action_items", filter=opened, distinct=True),
        n_done=Count(
            "action_items",
            filter=Q(
                action_items__state=WorkState.DONE,
                action_items__completed_at__gte=since,
                action_items__completed_at__lt=until,
            ),
            distinct=True,
        ),
        n_open=Count("action_items", filter=opened & not_done & ~late, distinct=True),
        n_overdue=Count("action_items", filter=opened & not_done & late, distinct=True),
        n_extended=Count("action_items", filter=opened & extended, distinct=True),
    )
    return {
        row.pk: ActionItemFigures(
            row.pk, row.n_opened, row.n_done, row.n_open, row.n_overdue, row.n_extended
        )
        for row in rows
    }


def meetings_held(estates: QuerySet, start: date, end: date) -> dict[int, int]:
    """Return, per estate, the joint meetings held (minutes recorded) that met in the range."""
    since, until = local_bounds(start, end)
    rows = estates.order_by().annotate(
        n_held=Count(
            "joint_meetings",
            filter=Q(
                joint_meetings__state__in=(MeetingState.HELD, MeetingState.PUBLISHED),
                joint_meetings__starts_at__gte=since,
                joint_meetings__starts_at__lt=until,
            ),
        )
    )
    return {row.pk: row.n_held for row in rows}
