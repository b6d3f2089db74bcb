"""The admin view "从模板新建公告": pick a scenario template, fill its placeholders, get a draft."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.community import permissions
from portal.notices import actions
from portal.notices.models import NoticeIndexPage, NoticeTemplate


def placeholder_form(template: NoticeTemplate, data=None) -> forms.Form:
    """Return a form with one text field per placeholder of the template."""
    form = forms.Form(data)
    for name in template.placeholders():
        form.fields[name] = forms.CharField(label=name, required=False, max_length=200)
    return form


def from_template(request, parent_id: int):
    """Let estate staff create a draft notice from a template (GET: choose and fill; POST: create)."""
    parent = get_object_or_404(NoticeIndexPage, pk=parent_id)
    estate = parent.page_estate
    if not (
        estate is not None
        and permissions.may_edit_content(request.user, estate)
        and parent.permissions_for_user(request.user).can_add_subpage()
    ):
        raise PermissionDenied
    templates = NoticeTemplate.objects.filter(Q(estate__isnull=True) | Q(estate=estate))
    chosen = None
    template_id = request.POST.get("template") or request.GET.get("template")
    if template_id and str(template_id).isdigit():
        chosen = templates.filter(pk=int(template_id)).first()
    form = None
    error = ""
    if chosen is not None:
        form = placeholder_form(chosen, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = actions.create_notice_from_template(
                    parent, chosen, form.cleaned_data, actor=request.user
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
            "templates": templates,
            "chosen": chosen,
            "form": form,
            "error": error,
            "page_title": _("从模板新建公告"),
        },
    )
