"""django-q2 tasks of the discussion area (run synchronously in tests)."""

from __future__ import annotations

from deliberation.actions import auto_close, sweep


def auto_close_thread(thread_id: int) -> bool:
    return auto_close(thread_id)


def sweep_deadlines() -> dict[str, int]:
    """Every few minutes: escalate overdue issue reports, close resolved ones that are due."""
    return sweep()
