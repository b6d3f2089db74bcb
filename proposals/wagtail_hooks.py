"""Admin: each estate's proposal rules (threshold and answer deadline), edited by its committee.

Reuses the discussion area's per-estate rule policy, so one rule decides who edits which
estate's rows (portal.community.permissions, asked per estate).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from deliberation import wagtail_hooks as estate_rules
from portal.community.admin.policies import EstateScopedPolicy
from proposals.models import ProposalSettings

# The committee's, as the discussion area's deadlines are.
estate_rules._POLICIES[ProposalSettings] = EstateScopedPolicy.for_action(
    ProposalSettings, "run_assembly"
)
register_permission_policy(ProposalSettings, estate_rules._POLICIES[ProposalSettings])
ProposalSettings.base_form_class = estate_rules.EstateRuleForm


class ProposalSettingsViewSet(estate_rules._Scoped):
    model = ProposalSettings
    icon = "pick"
    menu_label = _("提案规则")
    list_display = ["estate", "threshold_percent", "answer_days"]
    menu_order = 265
    add_to_admin_menu = True


register_snippet(ProposalSettingsViewSet)
