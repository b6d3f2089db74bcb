"""The django-q2 schedules notifications need, created idempotently after every migrate."""

from __future__ import annotations

from datetime import time

from portal.schedules import ensure_schedule, next_local

DIGEST_SCHEDULE_NAME = "notifications.daily_digest"
DIGEST_FUNC = "portal.notifications.tasks.send_daily_digests"
# Evening, Beijing time: after the working day's notices, before people put the phone down.
DIGEST_AT = time(19, 0)


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the daily digest schedule once; leave an existing one (and its next run) alone."""
    from django_q.models import Schedule

    ensure_schedule(
        DIGEST_SCHEDULE_NAME,
        DIGEST_FUNC,
        using=using,
        schedule_type=Schedule.DAILY,
        next_run=next_local(DIGEST_AT),
    )
