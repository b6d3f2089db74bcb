"""The recurring django-q2 schedule of proposals, created idempotently after migrate."""

from __future__ import annotations

from portal.schedules import ensure_schedule

REMIND_SCHEDULE_NAME = "proposals.remind_overdue"
REMIND_FUNC = "proposals.tasks.remind_overdue"


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the hourly overdue-answer reminder once (each proposal is reminded once)."""
    from django_q.models import Schedule

    ensure_schedule(REMIND_SCHEDULE_NAME, REMIND_FUNC, using=using, schedule_type=Schedule.HOURLY)
