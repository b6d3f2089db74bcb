"""Admin views for starting a notice: "新建公告" (which estate), and "从模板新建公告".

A template is chosen from cards (the estate's own and the district library), its
placeholders become the notice's real fields (scope, effective window, 公示期) and free
text, issuer and urgency default from who is writing, and a draft opens in the editor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.community import permissions
from portal.notices import actions
from portal.notices.forms import TemplateDraftForm
from portal.notices.models import NoticeIndexPage, NoticeTemplate


def notice_indexes_for(user) -> list[NoticeIndexPage]:
    """Return the notice sections where the user may start a notice (rights checked twice:
    the permissions module for the estate, Wagtail's page rights for the section).

    Remembered on the user object for the request (the admin menu and every row of the
    template list ask it).
    """
    cached = getattr(user, "_gongzhi_notice_indexes", None)
    if cached is not None:
        return cached
    indexes = []
    estates = permissions.estates_where(user, "edit_content").select_related("page")
    for estate in estates.order_by("name"):
        estate_page = getattr(estate, "page", None)
        if estate_page is None:
            continue
        index = NoticeIndexPage.objects.child_of(estate_page).live().first()
        if index is not None and index.permissions_for_user(user).can_add_subpage():
            indexes.append(index)
    if getattr(user, "is_authenticated", False):
        user._gongzhi_notice_indexes = indexes
    return indexes


def templates_for(estate) -> list[NoticeTemplate]:
    """Return the estate's own templates, then the district library."""
    return list(
        NoticeTemplate.objects.filter(Q(estate__isnull=True) | Q(estate=estate)).order_by(
            "estate_id", "category", "title"
        )
    )


def new_notice(request):
    """ "新建公告": go to the estate's template gallery, or choose the estate first."""
    indexes = notice_indexes_for(request.user)
    if not indexes:
        raise PermissionDenied
    query = {"template": request.GET["template"]} if request.GET.get("template") else {}
    if len(indexes) == 1:
        url = reverse("notices_from_template", args=[indexes[0].pk])
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    return TemplateResponse(
        request,
        "notices/admin/choose_estate.html",
        {
            "indexes": [(index, index.page_estate) for index in indexes],
            "query": urlencode(query),
            "page_title": _("新建公告"),
        },
    )


def from_template(request, parent_id: int):
    """Choose a template (GET), fill it (GET ?template=), create the draft (POST)."""
    parent = get_object_or_404(NoticeIndexPage, pk=parent_id)
    estate = parent.page_estate
    if not (
        estate is not None
        and permissions.may(request.user, "edit_content", estate)
        and parent.permissions_for_user(request.user).can_add_subpage()
    ):
        raise PermissionDenied
    templates = templates_for(estate)
    chosen = None
    template_id = request.POST.get("template") or request.GET.get("template")
    if template_id and str(template_id).isdigit():
        chosen = next((t for t in templates if t.pk == int(template_id)), None)
    form = None
    error = ""
    if chosen is not None:
        form = TemplateDraftForm(
            request.POST if request.method == "POST" else None,
            template=chosen,
            estate=estate,
            user=request.user,
        )
        if request.method == "POST" and form.is_valid():
            try:
                notice = actions.create_notice_from_template(
                    parent, chosen, actor=request.user, **form.draft_arguments()
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("wagtailadmin_pages:edit", notice.pk)
    return TemplateResponse(
        request,
        "notices/admin/from_template.html",
        {
            "parent": parent,
            "estate": estate,
            "template_groups": [
                (
                    _("%(estate)s的模板") % {"estate": estate.name},
                    [t for t in templates if t.estate_id],
                ),
                (_("通用模板库"), [t for t in templates if not t.estate_id]),
            ],
            "chosen": chosen,
            "form": form,
            "error": error,
            "blank_url": reverse(
                "wagtailadmin_pages:add", args=["notices", "noticepage", parent.pk]
            ),
            "page_title": _("从模板新建公告"),
        },
    )
