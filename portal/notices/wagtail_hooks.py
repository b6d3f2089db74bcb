"""Admin integration: the 公示期 guard, the template library, and "新建公告" / "从模板新建公告".

Templates are found where people look for them: a "新建公告" menu item leads to the
estate's template gallery (with a blank notice beside it), the 公告模板 list shows the
district library to estate staff too with a "用此模板新建公告" button on every row, and the
notice editor of a new notice points to the gallery.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import BaseButton, Button, HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, IndexView, SnippetViewSet

from portal.community import permissions
from portal.community.admin.policies import EstateScopedPolicy
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


# Templates of an estate are maintained by whoever edits its content; the district-wide
# library (estate empty) by site administrators. Rights per estate through the one base.
template_policy = EstateScopedPolicy.for_action(NoticeTemplate, "edit_content")


def editable_estate_ids(user) -> list[int]:
    """Return the estates whose templates the user may maintain (through permissions)."""
    return list(template_policy.estates_for(user).values_list("pk", flat=True))


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


def new_notice_url(template: NoticeTemplate | None = None) -> str:
    url = reverse("notices_new")
    return f"{url}?{urlencode({'template': template.pk})}" if template else url


class NoticeTemplateIndexView(IndexView):
    """The list: the estate's templates and the district library, each ready to use."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if admin_views.notice_indexes_for(self.request.user):
            buttons.append(
                HeaderButton(_("从模板新建公告"), url=new_notice_url(), icon_name="doc-full")
            )
        return buttons

    def get_edit_url(self, instance):
        # The district library is listed for use, not for editing, except by site admins.
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", instance
        ):
            return super().get_delete_url(instance)
        return None


class NoticeTemplateViewSet(SnippetViewSet):
    model = NoticeTemplate
    icon = "doc-full"
    menu_label = _("公告模板")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "category", "urgency", "scope_label"]
    list_filter = ["category"]
    index_view_class = NoticeTemplateIndexView
    edit_view_class = NoticeTemplateEditView
    delete_view_class = NoticeTemplateDeleteView

    def get_queryset(self, request):
        if permissions.is_site_admin(request.user):
            return NoticeTemplate.objects.all()
        # Staff see their estates' templates and the district library they may use.
        return NoticeTemplate.objects.filter(
            Q(estate__isnull=True) | Q(estate_id__in=editable_estate_ids(request.user))
        )


register_permission_policy(NoticeTemplate, template_policy)
register_snippet(NoticeTemplateViewSet)


@hooks.register("register_admin_urls")
def register_notice_admin_urls():
    return [
        path("notices/new/", admin_views.new_notice, name="notices_new"),
        path(
            "notices/from-template/<int:parent_id>/",
            admin_views.from_template,
            name="notices_from_template",
        ),
    ]


class NewNoticeMenuItem(MenuItem):
    """Shown to people who may start a notice in at least one estate."""

    def is_shown(self, request) -> bool:
        return bool(admin_views.notice_indexes_for(request.user))


@hooks.register("register_admin_menu_item")
def new_notice_menu_item():
    return NewNoticeMenuItem(
        _("新建公告"), reverse("notices_new"), name="new-notice", icon_name="doc-full", order=150
    )


@hooks.register("register_snippet_listing_buttons")
def use_template_button(snippet, user, next_url=None):
    """A visible "用此模板新建公告" on every template row (not hidden in the ⋯ menu)."""
    if isinstance(snippet, NoticeTemplate) and admin_views.notice_indexes_for(user):
        yield BaseButton(
            _("用此模板新建公告"),
            url=new_notice_url(snippet),
            classname="button button-small button-secondary",
            icon_name="doc-full",
        )


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
