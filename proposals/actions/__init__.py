"""Every state change of owners' proposals has its one entry point in this package.

By concern:

- proposing: submitting a proposal;
- supports: supporting a proposal (the threshold), a post or an opinion;
- answering: the committee's or the property company's answer and its outcome;
- deadlines: overdue answers and their reminder;
- common: limits, recipients and the notification the others share;
- moderation (proposals.moderation): hiding, restoring, reports and review.

Callers import from here (`from proposals import actions`).
"""

from __future__ import annotations

from proposals.actions.answering import Answer, answer_proposal
from proposals.actions.common import (
    ANSWER_MAX,
    ANSWERING_PARTIES,
    BODY_MAX,
    REFERRABLE,
    TITLE_MAX,
    answering_user_ids,
    supporter_ids,
)
from proposals.actions.deadlines import overdue, remind_overdue
from proposals.actions.proposing import check_may_propose, submit_proposal
from proposals.actions.supports import SupportResult, support, support_content, support_proposal
from proposals.moderation import hide_proposal, report_proposal, request_review, restore_proposal

__all__ = [
    "ANSWERING_PARTIES",
    "ANSWER_MAX",
    "Answer",
    "BODY_MAX",
    "REFERRABLE",
    "SupportResult",
    "TITLE_MAX",
    "answer_proposal",
    "answering_user_ids",
    "check_may_propose",
    "hide_proposal",
    "overdue",
    "remind_overdue",
    "report_proposal",
    "request_review",
    "restore_proposal",
    "submit_proposal",
    "support",
    "support_content",
    "support_proposal",
    "supporter_ids",
]
