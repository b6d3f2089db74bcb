from __future__ import annotations

from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"
    label = "voting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.dashboard.registry import register_figures
        from portal.home.sections import register_section
        from voting import signals  # noqa: F401
        from voting.metrics import AssemblyFigures

        register_section("voting.AssemblyIndexPage", title="业主大会", slug="assemblies", order=30)
        register_figures(AssemblyFigures, order=60)
