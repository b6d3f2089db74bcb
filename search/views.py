"""The search page: read the query, ask search.service, render. Nothing else here."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.community.models import Estate
from search import service
from search.choices import DocumentKind, Ordering

SUGGESTIONS = ("维修资金", "业委会选举", "停水", "电梯维修", "物业费公示", "管理规约")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def search_page(request):
    """Search everything the reader may open: facets by type and estate, newest or best."""
    text = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("type") if request.GET.get("type") in DocumentKind.values else None
    ordering = request.GET.get("sort") if request.GET.get("sort") in Ordering.values else ""
    estate_id = _int(request.GET.get("estate"))
    outcome = service.search(
        request.user,
        text,
        kind=kind,
        estate_id=estate_id,
        ordering=ordering or Ordering.RELEVANCE,
        page=_int(request.GET.get("page")) or 1,
    )
    names = dict(
        Estate.objects.filter(pk__in=[pk for pk in outcome.estate_counts if pk]).values_list(
            "pk", "name"
        )
    )
    estate_options = sorted(
        (
            (pk, names.get(pk) if pk else _("全街道"), count)
            for pk, count in outcome.estate_counts.items()
            if pk is None or pk in names
        ),
        key=lambda option: (option[0] is not None, str(option[1])),
    )
    return render(
        request,
        "search/search_page.html",
        {
            "q": text,
            "outcome": outcome,
            "active_kind": kind,
            "active_estate": estate_id,
            "ordering": ordering or Ordering.RELEVANCE,
            "orderings": Ordering.choices,
            "estate_options": estate_options,
            "suggestions": SUGGESTIONS,
        },
    )
