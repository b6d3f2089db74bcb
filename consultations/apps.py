from __future__ import annotations

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    label = "consultations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from consultations import (
            moderation_views,  # noqa: F401 - registers the moderators' sub-view
            personal_data,
            signals,  # noqa: F401 - connects the receivers
            views,  # noqa: F401 - registers the consultation page's sub-views
        )
        from consultations.metrics import ConsultationFigures
        from consultations.todo import open_consultations
        from portal.accounts.export import register_personal_data
        from portal.dashboard.registry import register_figures
        from portal.home.sections import register_section
        from portal.home.todo import register_todo

        register_section(
            "consultations.ConsultationIndexPage", title="征求意见", slug="consultations", order=20
        )
        register_figures(ConsultationFigures, order=70)
        register_personal_data(personal_data.sections, order=20)
        register_todo(open_consultations, order=30)
