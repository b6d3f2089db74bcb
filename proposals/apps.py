from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    label = "proposals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("业主提案")

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from django.db.models.signals import post_migrate

        from deliberation.actions import register_copy_guard
        from deliberation.oversight import references
        from portal.accounts.export import register_personal_data
        from portal.community import audit
        from portal.dashboard.registry import register_figures
        from portal.home.todo import register_todo
        from proposals import personal_data
        from proposals.dashboard import ProposalFigures
        from proposals.models import Proposal
        from proposals.moderation import discussion_kept_hidden
        from proposals.schedules import ensure_schedules
        from proposals.todo import proposals_to_support

        register_figures(ProposalFigures, order=90)
        register_personal_data(personal_data.sections, order=15)

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="proposals.schedules")

        def describe(proposal):
            return references.Reference(
                proposal.shown_title, proposal.get_absolute_url(), str(_("业主提案"))
            )

        # The title follows the proposal's moderation: an action item never stores it.
        references.register("proposals.proposal", describe, keep_label=False)
        # The audit log names a proposal as readers may see it, never by its words.
        audit.register_label(Proposal, lambda proposal: proposal.shown_title)
        # The discussion's opening quotes the proposal: it comes back only with the proposal.
        register_copy_guard(discussion_kept_hidden)
        references.register_url("proposals:detail", "proposals.proposal", kwarg="pk")
        register_todo(proposals_to_support, order=40)
