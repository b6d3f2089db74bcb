"""The recurring django-q2 schedule of the discussion area, created idempotently after migrate."""

from __future__ import annotations

from portal.schedules import ensure_schedule

SWEEP_SCHEDULE_NAME = "deliberation.sweep_deadlines"
SWEEP_FUNC = "deliberation.tasks.sweep_deadlines"
SWEEP_MINUTES = 10


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the deadline sweep once; leave an existing one (and its next run) alone."""
    from django_q.models import Schedule

    ensure_schedule(
        SWEEP_SCHEDULE_NAME,
        SWEEP_FUNC,
        using=using,
        schedule_type=Schedule.MINUTES,
        minutes=SWEEP_MINUTES,
    )
