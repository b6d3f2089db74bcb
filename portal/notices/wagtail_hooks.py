"""Admin integration: the 公示期 guard, the template library, and "从模板新建公告"."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet

from portal.community import permissions
from portal.community.models import Estate
from portal.notices import admin_views
from portal.notices.models import NoticeIndexPage, NoticePage, NoticeTemplate


def _refuse_removal(request, page, *, deleting: bool):
    specific = page.specific
    if not isinstance(specific, NoticePage):
        return None
    reason = specific.removal_refusal(deleting=deleting)
    if reason is None:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_unpublish_page")
def refuse_unpublish_during_display_period(request, page):
    return _refuse_removal(request, page, deleting=False)


@hooks.register("before_delete_page")
def refuse_delete_of_acknowledged_notice(request, page):
    if request.method != "POST":
        return None
    return _refuse_removal(request, page, deleting=True)


def editable_estate_ids(user) -> list[int]:
    """Return the estates whose templates the user may maintain (through permissions)."""
    return [e.pk for e in Estate.objects.all() if permissions.may_edit_content(user, e)]


class NoticeTemplatePermissionPolicy(ModelPermissionPolicy):
    """Model rights from the groups, narrowed per instance: staff touch their estate's only.

    The district-wide library (estate empty) is maintained by site administrators.
    """

    def _may_touch(self, user, instance) -> bool:
        if permissions.is_site_admin(user):
            return True
        return instance.estate_id is not None and permissions.may_edit_content(
            user, instance.estate
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._may_touch(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if permissions.is_site_admin(user):
            return instances
        return instances.filter(estate_id__in=editable_estate_ids(user))


class _InstanceCheckedMixin:
    """Ask the policy about the instance itself (Wagtail checks only the model right here)."""

    instance_action = "change"

    def get_object(self, queryset=None):
        from django.core.exceptions import PermissionDenied

        obj = super().get_object(queryset)
        policy = self.permission_policy
        if not policy.user_has_permission_for_instance(
            self.request.user, self.instance_action, obj
        ):
            raise PermissionDenied
        return obj


class NoticeTemplateEditView(_InstanceCheckedMixin, EditView):
    instance_action = "change"


class NoticeTemplateDeleteView(_InstanceCheckedMixin, DeleteView):
    instance_action = "delete"


class NoticeTemplateViewSet(SnippetViewSet):
    model = NoticeTemplate
    icon = "doc-full"
    menu_label = _("公告模板")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "category", "urgency", "estate"]
    list_filter = ["category"]
    edit_view_class = NoticeTemplateEditView
    delete_view_class = NoticeTemplateDeleteView

    def get_queryset(self, request):
        if permissions.is_site_admin(request.user):
            return NoticeTemplate.objects.all()
        return NoticeTemplate.objects.filter(estate_id__in=editable_estate_ids(request.user))


register_permission_policy(NoticeTemplate, NoticeTemplatePermissionPolicy(NoticeTemplate))
register_snippet(NoticeTemplateViewSet)


@hooks.register("register_admin_urls")
def register_notice_admin_urls():
    return [
        path(
            "notices/from-template/<int:parent_id>/",
            admin_views.from_template,
            name="notices_from_template",
        )
    ]


@hooks.register("register_page_header_buttons")
def from_template_button(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, NoticeIndexPage):
        return
    if not page.permissions_for_user(user).can_add_subpage():
        return
    yield Button(
        _("从模板新建公告"),
        reverse("notices_from_template", args=[page.pk]),
        icon_name="doc-full",
        priority=16,
    )
