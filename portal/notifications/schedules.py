"""The django-q2 schedules notifications need, created idempotently after every migrate."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

DIGEST_SCHEDULE_NAME = "notifications.daily_digest"
DIGEST_FUNC = "portal.notifications.tasks.send_daily_digests"
# Evening, Beijing time: after the working day's notices, before people put the phone down.
DIGEST_AT = time(19, 0)


def next_digest_run(now: datetime | None = None) -> datetime:
    """Return the next DIGEST_AT in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the daily digest schedule once; leave an existing one (and its next run) alone."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django_q.models import Schedule

    # `migrate notifications` alone may run before django_q's tables are complete.
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes("django_q")):
        return
    Schedule.objects.using(using).get_or_create(
        name=DIGEST_SCHEDULE_NAME,
        defaults={
            "func": DIGEST_FUNC,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_digest_run(),
        },
    )
