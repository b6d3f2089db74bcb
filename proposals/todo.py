"""Proposals a member may support, for the member's to-do list (portal.home.todo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.community import permissions
from portal.community.models import Estate
from portal.home.todo import Todo
from proposals.choices import ProposalStatus, SupportTarget
from proposals.models import Proposal, Support

LIMIT = 10
OPEN_STATES = (ProposalStatus.COLLECTING, ProposalStatus.AWAITING_ANSWER)


def proposals_to_support(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Unanswered, shown proposals the owner has not supported, newest first (a hidden one
    takes no supports, proposals.visibility).

    They have no deadline for the owner, so they come after everything that has one.
    """
    allowed = {e.pk: e for e in estates if permissions.may(user, "support_proposals", e)}
    if not allowed:
        return []
    supported = Support.objects.filter(target=SupportTarget.PROPOSAL, user=user).values("object_id")
    proposals = (
        Proposal.objects.filter(estate_id__in=allowed, status__in=OPEN_STATES)
        .shown()
        .exclude(pk__in=supported)
        .order_by("-created_at")[:LIMIT]
    )
    return [
        Todo(_("提案支持"), p.title, p.get_absolute_url(), allowed[p.estate_id], None)
        for p in proposals
    ]
