"""Admin: each estate's deadline policies, moderation settings and sensitive words.

Who may edit is asked of portal.community.permissions, per estate, through the one policy
base (portal.community.admin.policies): the committee (and the site administrators) for
deadlines and settings, the estate's moderators for sensitive words. Rows of no estate (the
district defaults) are the site administrators'.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from deliberation.models import DeadlinePolicy, DeliberationSettings, SensitiveWord
from portal.community.admin.policies import EstateScopedPolicy

# Deadlines and settings are the committee's (those who run the estate's assembly),
# sensitive words the moderators'.
_POLICIES = {
    DeadlinePolicy: EstateScopedPolicy.for_action(DeadlinePolicy, "run_assembly"),
    DeliberationSettings: EstateScopedPolicy.for_action(DeliberationSettings, "run_assembly"),
    SensitiveWord: EstateScopedPolicy.for_action(SensitiveWord, "moderate"),
}


class EstateRuleForm(WagtailAdminModelForm):
    """Offer only the estates the editor may set rules for."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "estate" in self.fields:
            policy = _POLICIES[self._meta.model]
            self.fields["estate"].queryset = policy.estates_for(for_user)


for model, policy in _POLICIES.items():
    register_permission_policy(model, policy)
    model.base_form_class = EstateRuleForm


class _InstanceChecked:
    """Ask the policy about the row itself (Wagtail checks only the model right here)."""

    def get_object(self, queryset=None):
        from django.core.exceptions import PermissionDenied

        obj = super().get_object(queryset)
        if not _POLICIES[type(obj)].user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
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
        return _POLICIES[self.model].instances_user_has_any_permission_for(request.user, ["change"])


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
