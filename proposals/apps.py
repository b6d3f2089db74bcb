from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    label = "proposals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("业主提案")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from deliberation.oversight import references
        from proposals.schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="proposals.schedules")

        def describe(proposal):
            return references.Reference(
                proposal.title, proposal.get_absolute_url(), str(_("业主提案"))
            )

        references.register("proposals.proposal", describe)
        references.register_url("proposals:detail", "proposals.proposal", kwarg="pk")
