from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("信息公开")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from disclosures.tasks import ensure_schedule

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="disclosures.reminders")
