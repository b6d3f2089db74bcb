"""Admin: the property company enters and corrects draft disclosures; the committee sets the
disclosure schedule. Rights per estate come from portal.community.permissions; a disclosure
handed to the committee or published cannot be edited here (published ones are frozen in the
database too)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
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

from disclosures.choices import DisclosureState
from disclosures.models import Disclosure, DisclosureSchedule
from portal.community.admin.policies import EstateScopedPolicy


class DraftDisclosurePolicy(EstateScopedPolicy):
    """The company's rights over its estates' disclosures, and only while they are drafts."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.state != DisclosureState.DRAFT:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


# The company enters drafts (Civil Code Art. 943); the committee sets the schedule.
_POLICIES = {
    Disclosure: DraftDisclosurePolicy.for_action(Disclosure, "enter_disclosures"),
    DisclosureSchedule: EstateScopedPolicy.for_action(DisclosureSchedule, "review_disclosures"),
}


class EstateScopedForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "estate" in self.fields:
            policy = _POLICIES[self._meta.model]
            self.fields["estate"].queryset = policy.estates_for(for_user)


for model, policy in _POLICIES.items():
    register_permission_policy(model, policy)
    model.base_form_class = EstateScopedForm


class _Checked:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        action = "delete" if isinstance(self, DeleteView) else "change"
        if not _POLICIES[type(obj)].user_has_permission_for_instance(
            self.request.user, action, obj
        ):
            raise PermissionDenied
        return obj


class CheckedEditView(_Checked, EditView):
    pass


class CheckedDeleteView(_Checked, DeleteView):
    pass


class _Scoped(SnippetViewSet):
    edit_view_class = CheckedEditView
    delete_view_class = CheckedDeleteView

    def get_queryset(self, request):
        return _POLICIES[self.model].instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        )


class DisclosureViewSet(_Scoped):
    model = Disclosure
    icon = "doc-full"
    menu_label = _("信息公开")
    list_display = ["estate", "period_start", "period_end", "state"]
    list_filter = ["state"]


class DisclosureScheduleViewSet(_Scoped):
    model = DisclosureSchedule
    icon = "date"
    menu_label = _("公开周期")
    list_display = ["estate", "period_months", "due_days", "first_period_start"]


class DisclosureViewSetGroup(SnippetViewSetGroup):
    items = (DisclosureViewSet, DisclosureScheduleViewSet)
    menu_icon = "doc-full"
    menu_label = _("信息公开")
    menu_name = "disclosures"
    menu_order = 270


register_snippet(DisclosureViewSetGroup)
