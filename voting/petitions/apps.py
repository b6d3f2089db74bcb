from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petitions for an extraordinary meeting of the owners' assembly (临时会议提议)."""

    name = "voting.petitions"
    label = "petitions"
    verbose_name = _("临时会议提议")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from portal.community import audit
        from portal.dashboard.registry import register_figures
        from portal.home.todo import register_todo
        from voting.petitions import visibility
        from voting.petitions.dashboard import PetitionFigures
        from voting.petitions.models import Petition
        from voting.petitions.schedules import ensure_schedules
        from voting.petitions.todo import petitions_to_sign

        register_figures(PetitionFigures, order=65)

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="petitions.schedules")
        register_todo(petitions_to_sign, order=50)
        # The audit screens name a petition as readers may see it (a hidden title withheld).
        audit.register_label(Petition, visibility.shown_title)
