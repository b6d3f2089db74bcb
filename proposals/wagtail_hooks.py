"""Admin: each estate's proposal rules (threshold and answer deadline), edited by its committee.

Through the one estate-scoped snippet base (portal.community.admin.snippets), so one rule
decides who edits which estate's rows (portal.community.permissions, asked per estate).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from portal.community.admin.policies import EstateScopedPolicy
from portal.community.admin.snippets import EstateScopedViewSet, scope_to_estates
from proposals.models import ProposalSettings

# The committee's, as the discussion area's deadlines are (those who run the assembly).
scope_to_estates(ProposalSettings, EstateScopedPolicy.for_action(ProposalSettings, "run_assembly"))


class ProposalSettingsViewSet(EstateScopedViewSet):
    model = ProposalSettings
    icon = "pick"
    menu_label = _("提案规则")
    list_display = ["estate", "threshold_percent", "answer_days"]
    menu_order = 265
    add_to_admin_menu = True


register_snippet(ProposalSettingsViewSet)
