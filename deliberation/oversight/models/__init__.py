"""Models of joint meetings and action items, re-exported for `from deliberation.oversight.models import …`."""

from __future__ import annotations

from deliberation.oversight.models.action_items import (
    ActionItem,
    ActionItemChange,
    ActionItemPhoto,
    ActionItemUpdate,
    local_today,
    overdue_q,
)
from deliberation.oversight.models.meetings import (
    AgendaItem,
    Decision,
    JointMeeting,
    MeetingChange,
    MeetingParticipant,
)
from portal.community.models.audit import AppendOnlyError  # the error every append-only row raises

__all__ = [
    "ActionItem",
    "ActionItemChange",
    "ActionItemPhoto",
    "ActionItemUpdate",
    "AgendaItem",
    "AppendOnlyError",
    "Decision",
    "JointMeeting",
    "MeetingChange",
    "MeetingParticipant",
    "local_today",
    "overdue_q",
]
