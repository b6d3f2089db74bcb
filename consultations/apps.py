from __future__ import annotations

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    label = "consultations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consultations import signals  # noqa: F401 - connects the receivers
