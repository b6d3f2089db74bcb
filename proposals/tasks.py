"""django-q2 tasks of proposals (run synchronously in tests)."""

from __future__ import annotations

from proposals.actions import remind_overdue as remind


def remind_overdue() -> int:
    """Tell the committee and property company once about each answer past its deadline."""
    return remind()
