from __future__ import annotations

from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"
    label = "voting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from voting import signals  # noqa: F401
