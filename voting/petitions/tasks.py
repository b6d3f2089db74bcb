"""django-q2 tasks of the petitions (run synchronously in tests)."""

from __future__ import annotations

from voting.petitions.actions import escalate_overdue


def sweep_deadlines() -> int:
    """Escalate every petition whose deadline to announce the meeting has passed."""
    return escalate_overdue()
