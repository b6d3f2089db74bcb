"""The daily django-q2 schedule that reminds people of overdue action items."""

from __future__ import annotations

from datetime import time

from portal.schedules import ensure_schedule, next_local

OVERDUE_SCHEDULE_NAME = "oversight.overdue_action_items"
OVERDUE_FUNC = "deliberation.oversight.tasks.notify_overdue_action_items"
# Morning, Beijing time: the responsible party sees it at the start of the working day.
OVERDUE_AT = time(8, 30)


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the daily schedule once; leave an existing one (and its next run) alone."""
    from django_q.models import Schedule

    ensure_schedule(
        OVERDUE_SCHEDULE_NAME,
        OVERDUE_FUNC,
        using=using,
        schedule_type=Schedule.DAILY,
        next_run=next_local(OVERDUE_AT),
    )
