"""Every state change of the consultations domain has its one entry point in this package.

Notifications are sent with portal.notifications.api.notify. By concern:

- audience: who is asked, whether one may answer now, an owner's weights;
- responses: submitting and revising a response;
- moderation: opinions and text answers held for review (sensitive words, pre-moderation),
  hidden, restored;
- report: marking opinions, publishing the response report, telling the participants;
- schedule: the opening notice and the reminder before the close.

Callers import from here (`from consultations import actions`).
"""

from __future__ import annotations

from consultations.actions.audience import audience_users, is_in_audience, owner_weights, refusal
from consultations.actions.moderation import (
    hide_answer,
    hide_opinion,
    restore_answer,
    restore_opinion,
)
from consultations.actions.report import (
    mark_opinions,
    notify_participants_of_handling,
    publish_report,
    save_handling,
    unmarked_count,
)
from consultations.actions.responses import submit_response
from consultations.actions.schedule import (
    OPENING_TASK,
    REMINDER_TASK,
    on_consultation_published,
    send_closing_reminder,
    send_opening_notice,
)

__all__ = [
    "OPENING_TASK",
    "REMINDER_TASK",
    "audience_users",
    "is_in_audience",
    "hide_answer",
    "hide_opinion",
    "mark_opinions",
    "notify_participants_of_handling",
    "on_consultation_published",
    "owner_weights",
    "publish_report",
    "refusal",
    "restore_answer",
    "restore_opinion",
    "save_handling",
    "send_closing_reminder",
    "send_opening_notice",
    "submit_response",
    "unmarked_count",
]
