"""Admin integration: consultations are written by the owners' committee only, and a
consultation that people have answered is never deleted."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from consultations.models import ConsultationPage, Response
from portal.community import permissions


def _refuse_non_committee(request, page_or_parent, *, back_to: int):
    estate = getattr(page_or_parent.specific, "page_estate", None)
    if estate is not None and permissions.may(request.user, "manage_consultation", estate):
        return None
    messages.error(request, _("征求意见由本小区业主委员会发布，您没有编辑权限。"))
    return redirect("wagtailadmin_explore", back_to)


@hooks.register("before_create_page")
def only_committee_creates_consultations(request, parent_page, page_class):
    if page_class is not ConsultationPage:
        return None
    return _refuse_non_committee(request, parent_page, back_to=parent_page.pk)


@hooks.register("before_edit_page")
def only_committee_edits_consultations(request, page):
    if not isinstance(page.specific_deferred, ConsultationPage):
        return None
    return _refuse_non_committee(request, page, back_to=page.get_parent().pk)


@hooks.register("before_delete_page")
def refuse_delete_of_answered_consultation(request, page):
    if request.method != "POST" or not isinstance(page.specific_deferred, ConsultationPage):
        return None
    if not Response.objects.filter(consultation_id=page.pk).exists():
        return None
    messages.error(request, _("已有人提交意见的征求意见稿不能删除，可以取消发布。"))
    return redirect("wagtailadmin_pages:edit", page.pk)
