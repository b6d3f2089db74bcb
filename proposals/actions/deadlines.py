"""Proposals whose answer is overdue, and the reminder about them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.actions.common import answering_user_ids, notify_about_proposal
from proposals.models import Proposal


def overdue(now: datetime | None = None):
    """Return the shown proposals whose answer is past due and still missing (a hidden one is
    out of the figures and reminders until restored: proposals.dashboard says why)."""
    now = now or timezone.now()
    return Proposal.objects.unanswered().shown().filter(answer_due_at__lt=now)


def remind_overdue(*, now: datetime | None = None) -> int:
    """Tell the parties once about each overdue answer (run daily by django-q2)."""
    count = 0
    for proposal in overdue(now).select_related("estate"):
        notify_about_proposal(
            answering_user_ids(proposal.estate),
            estate=proposal.estate,
            title=_("业主提案答复已逾期"),
            body=_("请尽快公开答复：采纳、不采纳（附理由）或转交。"),
            url=proposal.get_absolute_url(),
            subject=proposal,
            key=f"proposals:{proposal.pk}:overdue",
            actor=None,
        )
        count += 1
    return count
