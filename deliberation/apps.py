from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    label = "deliberation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("议事")

    def ready(self) -> None:
        from deliberation.schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="deliberation.schedules")
