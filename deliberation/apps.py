from __future__ import annotations

from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"
    label = "deliberation"
    default_auto_field = "django.db.models.BigAutoField"
