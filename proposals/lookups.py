"""Permission-checked lookups of proposals: views fetch them through these only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from portal.community.lookups import get_estate_for_member
from proposals.models import Proposal


def get_proposal(request, estate_slug: str, pk: int) -> Proposal:
    """Return the proposal if the reader may read the estate's members' area (403 otherwise)."""
    estate = get_estate_for_member(request, estate_slug)
    proposal = get_object_or_404(
        Proposal.objects.select_related("author", "thread", "answered_by"), pk=pk, estate=estate
    )
    proposal.estate = estate
    return proposal
