"""Admin: the property company enters and corrects draft disclosures; the committee sets the
disclosure schedule. Rights per estate come from portal.community.permissions; a disclosure
handed to the committee or published cannot be edited here (published ones are frozen in the
database too)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from disclosures.choices import DisclosureState
from disclosures.models import Disclosure, DisclosureSchedule
from portal.community.admin.policies import EstateScopedPolicy
from portal.community.admin.snippets import EstateScopedViewSet, scope_to_estates


class DraftDisclosurePolicy(EstateScopedPolicy):
    """The company's rights over its estates' disclosures, and only while they are drafts."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.state != DisclosureState.DRAFT:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


# The company enters drafts (Civil Code Art. 943); the committee sets the schedule.
scope_to_estates(Disclosure, DraftDisclosurePolicy.for_action(Disclosure, "enter_disclosures"))
scope_to_estates(
    DisclosureSchedule, EstateScopedPolicy.for_action(DisclosureSchedule, "review_disclosures")
)


class DisclosureViewSet(EstateScopedViewSet):
    model = Disclosure
    icon = "doc-full"
    menu_label = _("信息公开")
    list_display = ["estate", "period_start", "period_end", "state"]
    list_filter = ["state"]


class DisclosureScheduleViewSet(EstateScopedViewSet):
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
