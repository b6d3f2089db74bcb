from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class DashboardConfig(AppConfig):
    name = "portal.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from portal.dashboard.alerts import ensure_schedule

        # post_migrate is sent only for apps with models, and this one has none: hang the
        # schedule on django_q's own signal, whose tables it needs anyway.
        post_migrate.connect(
            ensure_schedule, sender=apps.get_app_config("django_q"), dispatch_uid="dashboard.alerts"
        )
