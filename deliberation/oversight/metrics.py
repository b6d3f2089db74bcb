"""Figures for the officials' dashboard: action items and joint meetings per estate.

Each function takes a queryset of estates and a date range (Beijing dates, both ends included,
the dashboard's Period) and answers with one SQL query, annotating every estate (estates with
nothing count zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q, QuerySet

from deliberation.oversight.choices import MeetingState
from deliberation.oversight.models import local_today
from deliberation.oversight.models.action_items import done_q, overdue_q
from portal.dashboard.period import Period


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return [start 00:00, the day after end 00:00) in Beijing time: the dashboard's Period."""
    period = Period(first=start, last=end)
    return period.start, period.end


@dataclass(frozen=True)
class ActionItemFigures:
    """The action items opened in a range and where each of them stands today.

    One population: ``opened == done + open + overdue`` always. ``done``, ``open`` and
    ``overdue`` are today's status of the items opened in the range (an item opened before
    the range and completed in it is not counted here).
    """

    estate_id: int
    opened: int  # opened within the range
    done: int  # of those: completed by today
    open: int  # of those: not done and not overdue today
    overdue: int  # of those: not done and past their due date today (Beijing)
    extended: int = 0  # of those: deadline moved later at least once


def action_item_figures(
    estates: QuerySet, start: date, end: date, *, today: date | None = None
) -> dict[int, ActionItemFigures]:
    """Return, per estate, the action items opened in the range and where they stand today
    (done, open or overdue: the three add up to the opened)."""
    today = today or local_today()
    since, until = local_bounds(start, end)
    item = "action_items__"
    opened = Q(action_items__created_at__gte=since, action_items__created_at__lt=until)
    done = done_q(item)
    overdue = overdue_q(today, item)
    extended = Q(action_items__changes__to_due_date__gt=F("action_items__changes__from_due_date"))
    # The join to the changes repeats an item once per change: count distinct items.
    rows = estates.order_by().annotate(
        n_opened=Count("action_items", filter=opened, distinct=True),
        n_done=Count("action_items", filter=opened & done, distinct=True),
        n_open=Count("action_items", filter=opened & ~done & ~overdue, distinct=True),
        n_overdue=Count("action_items", filter=opened & overdue, distinct=True),
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
