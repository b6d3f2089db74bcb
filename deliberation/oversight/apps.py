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
        from deliberation.oversight import references
        from deliberation.oversight.schedules import ensure_schedules

        references.register_defaults()
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="oversight.schedules")
