from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("信息公开")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from disclosures.dashboard import DisclosureFigures, EvaluationFigures
        from disclosures.tasks import ensure_schedule
        from portal.dashboard.registry import register_figures

        # The evaluation sits beside the property company's response figures of the same period.
        register_figures(EvaluationFigures, order=25)
        register_figures(DisclosureFigures, order=100)

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="disclosures.reminders")
