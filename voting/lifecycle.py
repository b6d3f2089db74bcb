"""An assembly's timetable as django-q2 schedules: open, remind, close, tally.

When the notice is published (`actions.announce_assembly`) and whenever an announced page is
re-published, `sync_schedules` makes the stored schedules match the assembly: one named
schedule per step (``voting:<id>:open``, ``voting:<id>:remind:<days>``, ``voting:<id>:close``,
``voting:<id>:tally``), created, moved or deleted, so calling it again changes nothing.
The tasks (voting/tasks.py) check the assembly's real state and times when they run: a step
already done is skipped, a step whose time has moved is re-scheduled instead of run early.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from voting.choices import AssemblyState
from voting.models import AssemblyPage

TASKS = "voting.tasks"
# The tally runs a little after the close, so the close has committed first.
TALLY_DELAY = timedelta(minutes=5)


def schedule_prefix(assembly_id: int) -> str:
    return f"voting:{assembly_id}:"


def planned_steps(assembly: AssemblyPage, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the steps still ahead for the assembly: name → (task, args, run at)."""
    now = now or timezone.now()
    opens, closes = assembly.voting_opens_at, assembly.voting_closes_at
    if opens is None or closes is None:
        return {}
    prefix = schedule_prefix(assembly.pk)
    steps: dict[str, Any] = {}
    if assembly.state == AssemblyState.ANNOUNCED:
        steps[f"{prefix}open"] = (f"{TASKS}.open_assembly_voting", (assembly.pk,), opens)
    if assembly.state in (AssemblyState.ANNOUNCED, AssemblyState.OPEN):
        for days in assembly.reminder_day_list():
            at = closes - timedelta(days=days)
            # Reminders belong inside the voting window and in the future.
            if at > opens and at > now:
                steps[f"{prefix}remind:{days}"] = (
                    f"{TASKS}.remind_non_voters",
                    (assembly.pk, days),
                    at,
                )
        steps[f"{prefix}close"] = (f"{TASKS}.close_assembly_voting", (assembly.pk,), closes)
        steps[f"{prefix}tally"] = (f"{TASKS}.tally_assembly", (assembly.pk,), closes + TALLY_DELAY)
    return steps


def sync_schedules(assembly: AssemblyPage, *, now: datetime | None = None) -> list[Any]:
    """Create, move or delete the assembly's schedules to match its times; return them."""
    from django_q.models import Schedule

    steps = planned_steps(assembly, now=now)
    Schedule.objects.filter(name__startswith=schedule_prefix(assembly.pk)).exclude(
        name__in=list(steps)
    ).delete()
    schedules = []
    for name, (func, args, run_at) in steps.items():
        schedule, _created = Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "args": repr(tuple(args)),
                "schedule_type": Schedule.ONCE,
                "repeats": 1,
                "next_run": run_at,
            },
        )
        schedules.append(schedule)
    return schedules


def schedules_of(assembly: AssemblyPage):
    """Return the assembly's stored schedules, soonest first."""
    from django_q.models import Schedule

    return Schedule.objects.filter(name__startswith=schedule_prefix(assembly.pk)).order_by(
        "next_run", "name"
    )
