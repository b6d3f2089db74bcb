"""django-q2 tasks of the notices app: thin wrappers around actions."""

from __future__ import annotations

from portal.notices import actions
from portal.notices.models import NoticePage


def send_acknowledgement_reminder(notice_id: int) -> int:
    """Run the scheduled reminder for one notice (a deleted notice is skipped)."""
    notice = NoticePage.objects.filter(pk=notice_id).first()
    if notice is None:
        return 0
    return actions.send_acknowledgement_reminders(notice)
