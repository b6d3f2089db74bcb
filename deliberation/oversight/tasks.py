"""django-q2 tasks of the oversight app: thin wrappers around actions."""

from __future__ import annotations

from deliberation.oversight import actions


def notify_overdue_action_items() -> int:
    """Run the daily overdue reminder (idempotent per item and day)."""
    return actions.notify_overdue_items()
