"""Permission-checked lookups: views fetch estates and objects through these, never bare."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404

from portal.community import permissions
from portal.community.models import Estate
from portal.community.permissions import LoginRequired


def get_estate(request, slug: str, *, action: str) -> Estate:
    """Return the estate if the user may perform the action there; 403 (or login) otherwise."""
    estate = get_object_or_404(Estate.objects.select_related("community"), slug=slug)
    permissions.require(request.user, permissions.may(request.user, action, estate))
    request.current_estate = estate
    return estate


def get_estate_for_member(request, slug: str) -> Estate:
    return get_estate(request, slug, action="view_members")


__all__ = ["LoginRequired", "get_estate", "get_estate_for_member", "redirect_to_login"]
