from __future__ import annotations

from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"
    label = "voting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from portal.accounts.export import register_personal_data
        from portal.dashboard.registry import register_figures
        from portal.home.sections import register_section
        from portal.home.todo import register_todo
        from voting import (  # noqa: F401 - signals connects the receivers
            personal_data,
            signals,
            views,  # noqa: F401 - registers the assembly page's context
        )
        from voting.metrics import AssemblyFigures
        from voting.todo import open_votes

        register_section("voting.AssemblyIndexPage", title="业主大会", slug="assemblies", order=30)
        register_figures(AssemblyFigures, order=60)
        register_personal_data(personal_data.sections, order=30)
        register_todo(open_votes, order=20)
