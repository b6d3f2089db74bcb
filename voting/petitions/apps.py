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
        from voting.petitions.schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="petitions.schedules")
