"""django-q2 tasks of the petitions (run synchronously in tests)."""

from __future__ import annotations


def sweep_deadlines() -> int:
    """Escalate every petition whose deadline to announce the meeting has passed."""
    from voting.petitions.actions import escalate_overdue

    return escalate_overdue()
