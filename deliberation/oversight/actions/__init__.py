"""Every state change of joint meetings and action items has its one entry point in this package.

Notifications go straight through portal.notifications.api.notify, titles built around a
meeting's or item's title fitted with fit_title. By concern:

- meetings: convening, the agenda, rescheduling and cancelling a joint meeting;
- minutes: the minutes and decisions of a meeting, and publishing them;
- items: action items created, updated with progress, adjusted;
- overdue: reminders about overdue items;
- common: what the others share.

Callers import from here (`from deliberation.oversight import actions`).
"""

from __future__ import annotations

from deliberation.oversight.actions.items import adjust_action_item, create_action_item, post_update
from deliberation.oversight.actions.meetings import (
    CONVENER_PARTIES,
    AgendaEntry,
    Attendee,
    add_agenda_item,
    cancel_meeting,
    convene_meeting,
    reschedule_meeting,
)
from deliberation.oversight.actions.minutes import (
    add_decision,
    minutes_as_text,
    minutes_html,
    publish_minutes,
    record_minutes,
)
from deliberation.oversight.actions.overdue import notify_overdue_items, overdue_recipients

__all__ = [
    "AgendaEntry",
    "Attendee",
    "CONVENER_PARTIES",
    "add_agenda_item",
    "add_decision",
    "adjust_action_item",
    "cancel_meeting",
    "convene_meeting",
    "create_action_item",
    "minutes_as_text",
    "minutes_html",
    "notify_overdue_items",
    "overdue_recipients",
    "post_update",
    "publish_minutes",
    "record_minutes",
    "reschedule_meeting",
]
