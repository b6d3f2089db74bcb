"""The officials' dashboard: figures per estate, drill-downs, exports and open data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.community import permissions
from portal.community.lookups import LoginRequired, get_estate
from portal.community.models import Estate
from portal.dashboard.board import build_board, figures_for
from portal.dashboard.export import table_rows
from portal.dashboard.figures import export_value
from portal.dashboard.period import Period, PeriodForm
from portal.dashboard.registry import source as get_source
from portal.dashboard.registry import sources
from portal.replica import reads_from_replica
from portal.spreadsheets import csv_response, xlsx_response


def _dashboard_estates(request):
    """Return the estates the user may see figures for, narrowed by ?estate=slug; or refuse."""
    if not request.user.is_authenticated:
        raise LoginRequired
    estates = permissions.estates_where(request.user, "view_dashboard").select_related("community")
    chosen = request.GET.get("estate", "")
    if chosen:
        estates = estates.filter(slug=chosen)
        if not estates.exists():
            raise PermissionDenied
    estates = list(estates.order_by("community__name", "name"))
    if not estates and not permissions.may_view_any_dashboard(request.user):
        raise PermissionDenied
    return estates


def _period(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET)
    period = form.period
    if form.is_valid():
        # Show the dates in use, including the default range when none was asked for.
        form.data = form.data.copy()
        form.data["from"], form.data["to"] = period.first.isoformat(), period.last.isoformat()
    return form, period


@require_GET
@reads_from_replica
def index(request):
    estates = _dashboard_estates(request)
    form, period = _period(request)
    board = build_board(estates, period)
    all_estates = permissions.estates_where(request.user, "view_dashboard").order_by("name")
    return render(
        request,
        "dashboard/index.html",
        {
            "board": board,
            "form": form,
            "period": period,
            "estate_choices": all_estates,
            "chosen_estate": request.GET.get("estate", ""),
        },
    )


@require_GET
@reads_from_replica
def drill(request, estate_slug: str, source_key: str, column: str):
    estate = get_estate(request, estate_slug, action="view_dashboard")
    source = get_source(source_key)
    if source is None or column not in {c.key for c in source.columns if c.drill}:
        raise Http404
    form, period = _period(request)
    detail = source.drill(estate, period, column)
    if detail is None:
        raise Http404
    return render(
        request,
        "dashboard/drill.html",
        {
            "estate": estate,
            "drill": detail,
            # Each cell with its column heading, for the phone layout's labels.
            "rows": [
                [(str(h), text, url) for h, (text, url) in zip(detail.headings, row, strict=False)]
                for row in detail.rows
            ],
            "period": period,
            "form": form,
            "source": source,
        },
    )


@require_GET
@reads_from_replica
def export(request, source_key: str, fmt: str):
    source = get_source(source_key)
    if source is None or fmt not in {"csv", "xlsx"}:
        raise Http404
    estates = _dashboard_estates(request)
    _form, period = _period(request)
    figures = source.compute([e.pk for e in estates], period)
    rows = table_rows(source, estates, figures)
    filename = f"gongzhi-{source.key}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, sheet=str(source.title))


@require_GET
@reads_from_replica
def open_data(request):
    """Aggregate figures per estate for the city's systems: no personal data, read-only."""
    form, period = _period(request)
    if not form.is_valid() and form.errors:
        return JsonResponse(
            {"errors": form.errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    estates = list(Estate.objects.select_related("community").order_by("pk"))
    figures = figures_for(estates, period)
    kinds = {s.key: {c.key: c.kind for c in s.columns} for s in sources()}
    payload = {
        "generated_at": timezone.now().isoformat(),
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "shares_are": _("0–1 之间的小数"),
        "estates": [
            {
                "slug": estate.slug,
                "name": estate.name,
                "community": estate.community.name,
                "figures": {
                    key: {
                        column: export_value(value, kinds[key][column])
                        for column, value in figures[key].get(estate.pk, {}).items()
                    }
                    for key in figures
                },
            }
            for estate in estates
        ],
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
