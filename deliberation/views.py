from __future__ import annotations

from django.shortcuts import render

from portal.community.lookups import get_estate_for_member


def thread_list(request, estate_slug: str):
    """The estate's discussion area (threads arrive with the deliberation capability)."""
    estate = get_estate_for_member(request, estate_slug)
    return render(request, "deliberation/thread_list.html", {"estate": estate})
