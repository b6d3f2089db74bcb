"""Permission-checked lookups of disclosures and evaluations (views never fetch them bare)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from disclosures.models import Disclosure, ServiceEvaluation
from portal.community import permissions
from portal.community.lookups import LoginRequired, get_estate


def get_disclosure(request, slug: str, pk: int, *, action: str = "view_members") -> Disclosure:
    """Return the estate's disclosure if the user may do `action` there and may see it:
    a draft or one under review only to the company and the committee."""
    estate = get_estate(request, slug, action=action)
    disclosure = get_object_or_404(
        Disclosure.objects.select_related("estate"), estate=estate, pk=pk
    )
    if not disclosure.is_published and not permissions.may(
        request.user, "see_disclosure_drafts", estate
    ):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise Http404
    return disclosure


def get_evaluation(
    request, slug: str, pk: int, *, action: str = "view_members"
) -> ServiceEvaluation:
    estate = get_estate(request, slug, action=action)
    return get_object_or_404(
        ServiceEvaluation.objects.select_related("estate"), estate=estate, pk=pk
    )


__all__ = ["PermissionDenied", "get_disclosure", "get_evaluation"]
