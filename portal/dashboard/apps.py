from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DashboardConfig(AppConfig):
    name = "portal.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.dashboard.alerts import ensure_schedule

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="dashboard.alerts")
