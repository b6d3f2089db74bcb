"""Views of the notices app, served as routes of the pages (so page visibility applies first).

Thin: read input, ask the permissions module or a permission-checked lookup, call an action,
render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.community import membership, permissions
from portal.community.choices import Visibility
from portal.community.lookups import LoginRequired, get_estate
from portal.community.masking import mask_name
from portal.links import page_full_url
from portal.notices import actions, scope
from portal.notices.choices import Issuer, NoticeCategory, TimeState
from portal.notices.models import Acknowledgement, NoticePage
from portal.notices.models.pages import notice_index_views, notice_views
from portal.spreadsheets import csv_response
from portal.views import run_action


class NoticeFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        choices=[("", gettext_lazy("全部类别")), *NoticeCategory.choices],
    )
    issuer = forms.ChoiceField(
        label=gettext_lazy("发布方"),
        required=False,
        choices=[("", gettext_lazy("全部发布方")), *Issuer.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *TimeState.choices],
    )


def filter_by_time_state(notices, state: str, now=None):
    """Narrow a NoticePage queryset to current, upcoming or expired (see time_state)."""
    now = now or timezone.now()
    if state == TimeState.UPCOMING:
        return notices.filter(effective_from__gt=now)
    if state == TimeState.CURRENT:
        return notices.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=now), listed_until__gte=now
        )
    if state == TimeState.EXPIRED:
        return notices.filter(listed_until__lt=now).exclude(effective_from__gt=now)
    return notices


@notice_index_views.register("context")
def index_context(request, index: Any) -> dict[str, Any]:
    """Return the notice list for this reader in a fixed number of queries.

    Visibility is filtered in the query (by the visibilities the permissions module allows
    this reader), so the count never depends on how many notices there are.
    """
    user = request.user
    estate = index.page_estate
    allowed = [v for v in Visibility.values if permissions.may_view(user, estate, v)]
    notices = NoticePage.objects.child_of(index).live().filter(visibility__in=allowed)
    form = NoticeFilterForm(request.GET or None)
    if form.is_valid():
        if category := form.cleaned_data["category"]:
            notices = notices.filter(category=category)
        if issuer := form.cleaned_data["issuer"]:
            notices = notices.filter(issuer=issuer)
        notices = filter_by_time_state(notices, form.cleaned_data["state"])
    notices = notices.order_by("-pinned", "-first_published_at", "-pk").prefetch_related(
        "buildings"
    )
    page_obj = Paginator(notices, index.per_page).get_page(request.GET.get("page"))
    items = list(page_obj.object_list)
    read_ids: set[int] = set()
    my_buildings: set[int] = set()
    if permissions.is_authenticated(user) and items:
        read_ids = set(
            Acknowledgement.objects.filter(
                user=user, notice_id__in=[n.pk for n in items]
            ).values_list("notice_id", flat=True)
        )
        my_buildings = set(
            membership.member_units(user, estate).values_list("building_id", flat=True)
        )
    now = timezone.now()
    for notice in items:
        notice.acknowledged_by_me = notice.requires_acknowledgement and notice.pk in read_ids
        notice.awaits_my_acknowledgement = _awaits_acknowledgement(
            notice, read_ids, my_buildings, now
        )
    return {"filter_form": form, "items": page_obj, "notices": items}


def _awaits_acknowledgement(
    notice: NoticePage, read_ids: set[int], my_buildings: set[int], now
) -> bool:
    """Return whether the reader should still acknowledge the notice: it asks for it, one of
    their buildings is in its scope, they have not acknowledged it, and it has not expired."""
    if not notice.requires_acknowledgement or notice.pk in read_ids:
        return False
    scoped = {b.pk for b in notice.buildings.all()}
    in_scope = bool(my_buildings) and (not scoped or bool(scoped & my_buildings))
    return in_scope and notice.time_state(now) != TimeState.EXPIRED


@notice_views.register("detail")
def notice_detail(request, notice: NoticePage):
    """Show the notice with the reader's acknowledgement state and, for staff, the report link."""
    user = request.user
    estate = notice.page_estate
    time_state = notice.time_state()
    context: dict[str, Any] = {"time_state": time_state, "expired": time_state == TimeState.EXPIRED}
    acknowledgement = None
    unit = None
    if notice.pk and notice.requires_acknowledgement and permissions.is_authenticated(user):
        acknowledgement = Acknowledgement.objects.filter(notice=notice, user=user).first()
        if acknowledgement is None:
            unit = scope.unit_in_scope(user, notice)
    context.update(
        acknowledgement=acknowledgement,
        ack_unit=unit,
        may_acknowledge=bool(unit and notice.live and not context["expired"]),
        may_see_report=bool(notice.pk and estate and permissions.may(user, "edit_content", estate)),
        subpage_urls=_subpage_urls(notice),
    )
    return notice.render(request, context_overrides=context)


def _subpage_urls(notice: NoticePage) -> dict[str, str]:
    base = notice.url if notice.pk and notice.url else ""
    if not base:
        return {}
    return {
        name: base + notice.reverse_subpage(name).lstrip("/")
        for name in ("acknowledge", "report", "report_csv", "print")
    }


@notice_views.register("acknowledge")
@require_POST
def acknowledge(request, notice: NoticePage):
    """Record the reader's "已阅" (POST) and return to the notice with a message."""
    if not request.user.is_authenticated:
        raise LoginRequired
    run_action(
        request,
        lambda: actions.acknowledge(notice, request.user),
        success=_("已确认。感谢您的阅读！"),
    )
    return redirect(notice.url)


def _report_estate(request, notice: NoticePage):
    """Return the notice's estate if the reader may see its acknowledgements (staff only)."""
    estate = notice.page_estate
    if estate is None:
        raise PermissionDenied
    return get_estate(request, estate.slug, action="edit_content")


@notice_views.register("report")
def acknowledgement_report(request, notice: NoticePage):
    """Show the acknowledgement rate per building and the units not yet acknowledged."""
    _report_estate(request, notice)
    report = scope.acknowledgement_report(notice)
    return notice.render(
        request,
        template="notices/acknowledgement_report.html",
        context_overrides={"report": report, "subpage_urls": _subpage_urls(notice)},
    )


@notice_views.register("report_csv")
def acknowledgement_csv(request, notice: NoticePage):
    """Export the per-unit acknowledgement state as CSV (UTF-8 with BOM, so Excel reads Chinese)."""
    _report_estate(request, notice)
    report = scope.acknowledgement_report(notice)
    by_unit = {}
    for ack in report.acknowledgements:
        by_unit.setdefault(ack.unit_id, ack)
    pending_ids = {unit.pk for unit in report.pending}
    rows = [[_("楼栋"), _("房号"), _("状态"), _("确认人"), _("确认时间")]]
    units = (
        scope.scoped_units(notice)
        .select_related("building")
        .order_by("building__sort_key", "building__name", "floor", "number")
    )
    for unit in units:
        ack = by_unit.get(unit.pk)
        state = _("未确认") if unit.pk in pending_ids else _("已阅")
        rows.append(
            [
                unit.building.name,
                unit.number,
                state,
                mask_name(ack.user.display_name) if ack else "",
                timezone.localtime(ack.at).strftime("%Y-%m-%d %H:%M") if ack else "",
            ]
        )
    return csv_response(rows, f"notice-{notice.pk}-acknowledgements")


def qr_svg(url: str) -> str:
    """Return an inline SVG QR code for the URL."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Inline in HTML: drop an XML declaration if the library writes one.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg


@notice_views.register("print")
def notice_print(request, notice: NoticePage):
    """Render the A4 sheet for the physical notice board, with a QR code to the online notice."""
    # The configured public address: the Site record's host is "localhost" unless someone
    # edited it, and a QR code on paper must lead to the real site.
    online_url = page_full_url(notice, request)
    return notice.render(
        request,
        template="notices/notice_print.html",
        context_overrides={
            "qr_svg": mark_safe(qr_svg(online_url)),  # noqa: S308 - generated from our own URL
            "online_url": online_url,
            "key_facts": notice.key_facts(),
        },
    )
