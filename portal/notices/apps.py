from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "portal.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.notices import signals  # noqa: F401 - connects the receivers
