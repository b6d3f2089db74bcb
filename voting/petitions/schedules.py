"""The petitions' recurring django-q2 schedule: the announcement-deadline sweep."""

from __future__ import annotations

from portal.schedules import ensure_schedule

SWEEP_SCHEDULE_NAME = "petitions.sweep_deadlines"
SWEEP_FUNC = "voting.petitions.tasks.sweep_deadlines"
SWEEP_MINUTES = 30


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the sweep once; leave an existing one (and its next run) alone."""
    from django_q.models import Schedule

    ensure_schedule(
        SWEEP_SCHEDULE_NAME,
        SWEEP_FUNC,
        using=using,
        schedule_type=Schedule.MINUTES,
        minutes=SWEEP_MINUTES,
    )
