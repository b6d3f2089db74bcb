"""Admin: each estate's petition rules (shares set by its rules of procedure, the deadline).

The committee (and site administrators) edit their own estate's row, by the same per-estate
policy base as every estate rule (portal.community.admin.snippets).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from portal.community.admin.policies import EstateScopedPolicy
from portal.community.admin.snippets import EstateScopedViewSet, scope_to_estates
from voting.petitions.models import PetitionSettings

# The committee's, as the discussion area's deadlines are (those who run the assembly).
scope_to_estates(PetitionSettings, EstateScopedPolicy.for_action(PetitionSettings, "run_assembly"))


class PetitionSettingsViewSet(EstateScopedViewSet):
    model = PetitionSettings
    icon = "cog"
    menu_label = _("临时会议提议规则")
    menu_order = 265
    add_to_admin_menu = True
    list_display = ["estate", "area_percent", "heads_percent", "announce_days"]


register_snippet(PetitionSettingsViewSet)
