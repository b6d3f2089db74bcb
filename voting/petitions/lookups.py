"""Permission-checked lookups: the petition views fetch petitions only through these."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from portal.community.lookups import get_estate
from voting.petitions.models import Petition


def get_petition(request, slug: str, pk: int) -> Petition:
    """Return the petition if the reader is a member of its estate or an official over it."""
    estate = get_estate(request, slug, action="view_members")
    petition = get_object_or_404(
        Petition.objects.select_related("estate__community", "opened_by").prefetch_related(
            "events__assembly", "moderations"
        ),
        estate=estate,
        pk=pk,
    )
    return petition
