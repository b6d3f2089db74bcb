"""Admin: each estate's petition rules (shares set by its rules of procedure, the deadline).

The committee (and site administrators) edit their own estate's row, by the same per-estate
policy as the discussion area's rules (deliberation.wagtail_hooks).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from deliberation.wagtail_hooks import _POLICIES, EstateRuleForm, _Scoped
from portal.community.admin.policies import EstateScopedPolicy
from voting.petitions.models import PetitionSettings

# The committee's, as the deadlines are (those who run the estate's assembly).
_POLICIES[PetitionSettings] = EstateScopedPolicy.for_action(PetitionSettings, "run_assembly")
register_permission_policy(PetitionSettings, _POLICIES[PetitionSettings])
PetitionSettings.base_form_class = EstateRuleForm


class PetitionSettingsViewSet(_Scoped):
    model = PetitionSettings
    icon = "cog"
    menu_label = _("临时会议提议规则")
    menu_order = 265
    add_to_admin_menu = True
    list_display = ["estate", "area_percent", "heads_percent", "announce_days"]


register_snippet(PetitionSettingsViewSet)
