from __future__ import annotations

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "portal.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.home import signals

        signals.connect()
