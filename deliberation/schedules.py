"""The recurring django-q2 schedule of the discussion area, created idempotently after migrate."""

from __future__ import annotations

SWEEP_SCHEDULE_NAME = "deliberation.sweep_deadlines"
SWEEP_FUNC = "deliberation.tasks.sweep_deadlines"
SWEEP_MINUTES = 10


def ensure_schedules(*, using: str = "default", **_kwargs) -> None:
    """Create the deadline sweep once; leave an existing one (and its next run) alone."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django_q.models import Schedule

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes("django_q")):
        return
    Schedule.objects.using(using).get_or_create(
        name=SWEEP_SCHEDULE_NAME,
        defaults={
            "func": SWEEP_FUNC,
            "schedule_type": Schedule.MINUTES,
            "minutes": SWEEP_MINUTES,
            "repeats": -1,
        },
    )
