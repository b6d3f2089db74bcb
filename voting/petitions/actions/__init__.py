"""Every state change of a petition has its one entry point in this package.

Each action runs in one transaction, locks the petition row (signatures of one petition are
counted one at a time, so two last signatures cannot both be "after the threshold"), writes the
audit log and notifies through portal.notifications.api.notify. A refusal raises
ValidationError or PermissionDenied with a Chinese message and changes nothing. By concern:

- signing: opening, signing (online, paper), the threshold, withdrawing a signature;
- outcome: the petition withdrawn, or the meeting announced;
- moderation: a petition's words hidden by a moderator, or shown again;
- deadlines: overdue petitions escalated, and what awaits an owner's signature;
- common: the lock, refusals and notification the others share.

Callers import from here (`from voting.petitions import actions`).
"""

from __future__ import annotations

from voting.petitions.actions.deadlines import (
    escalate_overdue,
    overdue_petitions,
    petitions_awaiting,
)
from voting.petitions.actions.moderation import hide_petition, restore_petition
from voting.petitions.actions.outcome import record_meeting_announced, withdraw_petition
from voting.petitions.actions.signing import (
    enter_paper_signature,
    open_petition,
    sign_petition,
    withdraw_signature,
)

__all__ = [
    "enter_paper_signature",
    "escalate_overdue",
    "hide_petition",
    "open_petition",
    "overdue_petitions",
    "petitions_awaiting",
    "record_meeting_announced",
    "restore_petition",
    "sign_petition",
    "withdraw_petition",
    "withdraw_signature",
]
