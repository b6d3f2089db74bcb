"""Admin: each estate's deadline policies, moderation settings and sensitive words.

Who may edit is asked of portal.community.permissions, per estate: the committee (and the
site administrators) for deadlines and settings, the estate's moderators for sensitive words.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from deliberation.models import DeadlinePolicy, DeliberationSettings, SensitiveWord
from portal.community import permissions
from portal.community.models import Estate


def _committee(user, estate) -> bool:
    return permissions.may(user, "run_assembly", estate)


def _moderators(user, estate) -> bool:
    return permissions.may(user, "moderate", estate)


class EstateRulePolicy(BasePermissionPolicy):
    """Rights over a per-estate rule row: decided per estate by a permissions question."""

    def __init__(self, model, check):
        super().__init__(model)
        self.check = check

    def estate_ids(self, user) -> list[int]:
        if permissions.is_site_admin(user):
            return list(Estate.objects.values_list("pk", flat=True))
        candidates = permissions.estates_where(user, "view_members").select_related("community")
        return [estate.pk for estate in candidates if self.check(user, estate)]

    def user_has_permission(self, user, action):
        return bool(self.estate_ids(user))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return instance.estate_id is None or instance.estate_id in self.estate_ids(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_permission_for_instance(user, None, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.model.objects.filter(estate_id__in=self.estate_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        return get_user_model().objects.none()


class EstateRuleForm(WagtailAdminModelForm):
    """Offer only the estates the editor may set rules for."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "estate" in self.fields:
            policy = _POLICIES[self._meta.model]
            self.fields["estate"].queryset = Estate.objects.filter(
                pk__in=policy.estate_ids(for_user)
            )


_POLICIES = {
    DeadlinePolicy: EstateRulePolicy(DeadlinePolicy, _committee),
    DeliberationSettings: EstateRulePolicy(DeliberationSettings, _committee),
    SensitiveWord: EstateRulePolicy(SensitiveWord, _moderators),
}
for model, policy in _POLICIES.items():
    register_permission_policy(model, policy)
    model.base_form_class = EstateRuleForm


class _InstanceChecked:
    """Ask the policy about the row itself (Wagtail checks only the model right here)."""

    def get_object(self, queryset=None):
        from django.core.exceptions import PermissionDenied

        obj = super().get_object(queryset)
        if not _POLICIES[type(obj)].user_has_permission_for_instance(self.request.user, None, obj):
            raise PermissionDenied
        return obj


class ScopedEditView(_InstanceChecked, EditView):
    pass


class ScopedDeleteView(_InstanceChecked, DeleteView):
    pass


class _Scoped(SnippetViewSet):
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView

    def get_queryset(self, request):
        return _POLICIES[self.model].instances_user_has_any_permission_for(request.user, None)


class DeadlinePolicyViewSet(_Scoped):
    model = DeadlinePolicy
    icon = "time"
    menu_label = _("响应时限")
    list_display = ["estate", "category", "response_hours", "close_hours"]


class DeliberationSettingsViewSet(_Scoped):
    model = DeliberationSettings
    icon = "cog"
    menu_label = _("议事设置")
    list_display = ["estate", "premoderation", "hide_threshold", "auto_close_hours"]


class SensitiveWordViewSet(_Scoped):
    model = SensitiveWord
    icon = "warning"
    menu_label = _("敏感词")
    list_display = ["word", "estate"]


class DeliberationViewSetGroup(SnippetViewSetGroup):
    items = (DeadlinePolicyViewSet, DeliberationSettingsViewSet, SensitiveWordViewSet)
    menu_icon = "group"
    menu_label = _("议事")
    menu_name = "deliberation"
    menu_order = 260


register_snippet(DeliberationViewSetGroup)
