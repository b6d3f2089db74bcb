from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OversightConfig(AppConfig):
    """Joint meetings (三方联席会议) and action items (督办事项)."""

    name = "deliberation.oversight"
    label = "oversight"
    verbose_name = "督办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from deliberation.oversight import references
        from deliberation.oversight.dashboard import OversightFigures
        from deliberation.oversight.schedules import ensure_schedules
        from portal.dashboard.registry import register_figures

        references.register_defaults()
        register_figures(OversightFigures, order=80)
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="oversight.schedules")
