"""The daily django-q2 schedule that reminds people of overdue action items."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

OVERDUE_SCHEDULE_NAME = "oversight.overdue_action_items"
OVERDUE_FUNC = "deliberation.oversight.tasks.notify_overdue_action_items"
# Morning, Beijing time: the responsible party sees it at the start of the working day.
OVERDUE_AT = time(8, 30)


def next_overdue_run(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=OVERDUE_AT.hour, minute=OVERDUE_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the daily schedule once; leave an existing one (and its next run) alone."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django_q.models import Schedule

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes("django_q")):
        return
    Schedule.objects.using(using).get_or_create(
        name=OVERDUE_SCHEDULE_NAME,
        defaults={
            "func": OVERDUE_FUNC,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_overdue_run(),
        },
    )
