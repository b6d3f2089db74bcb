"""Recurring django-q2 schedules, created once after `migrate` by the apps that need them.

Each app connects its own `ensure_schedules` to post_migrate and calls `ensure_schedule` here:
an existing schedule (and its next run) is left alone, so a re-run of migrate changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone


def next_local(at: time, now: datetime | None = None) -> datetime:
    """Return the next moment at that local (Beijing) time of day, after now."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_schedule(name: str, func: str, *, using: str = "default", **fields: Any) -> None:
    """Create the named schedule once (repeating forever unless `repeats` says otherwise)."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django_q.models import Schedule

    # `migrate <app>` alone may run before django_q's own tables are complete.
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes("django_q")):
        return
    Schedule.objects.using(using).get_or_create(
        name=name, defaults={"func": func, "repeats": -1, **fields}
    )
