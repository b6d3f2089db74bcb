from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    label = "proposals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("业主提案")

    def ready(self) -> None:
        from deliberation.oversight import references

        def describe(proposal):
            return references.Reference(
                proposal.title, proposal.get_absolute_url(), str(_("业主提案"))
            )

        references.register("proposals.proposal", describe)
        references.register_url("proposals:detail", "proposals.proposal", kwarg="pk")
