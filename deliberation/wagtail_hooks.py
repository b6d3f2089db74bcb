"""Admin: each estate's deadline policies, moderation settings and sensitive words.

Who may edit is asked of portal.community.permissions, per estate, through the one policy
base (portal.community.admin.policies): the committee (and the site administrators) for
deadlines and settings, the estate's moderators for sensitive words. Rows of no estate (the
district defaults) are the site administrators'.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from deliberation.models import DeadlinePolicy, DeliberationSettings, SensitiveWord
from portal.community.admin.policies import EstateScopedPolicy
from portal.community.admin.snippets import EstateScopedViewSet, scope_to_estates

# Deadlines and settings are the committee's (those who run the estate's assembly),
# sensitive words the moderators'.
scope_to_estates(DeadlinePolicy, EstateScopedPolicy.for_action(DeadlinePolicy, "run_assembly"))
scope_to_estates(
    DeliberationSettings, EstateScopedPolicy.for_action(DeliberationSettings, "run_assembly")
)
scope_to_estates(SensitiveWord, EstateScopedPolicy.for_action(SensitiveWord, "moderate"))


class DeadlinePolicyViewSet(EstateScopedViewSet):
    model = DeadlinePolicy
    icon = "time"
    menu_label = _("响应时限")
    list_display = ["estate", "category", "response_hours", "close_hours"]


class DeliberationSettingsViewSet(EstateScopedViewSet):
    model = DeliberationSettings
    icon = "cog"
    menu_label = _("议事设置")
    list_display = ["estate", "premoderation", "hide_threshold", "auto_close_hours"]


class SensitiveWordViewSet(EstateScopedViewSet):
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
