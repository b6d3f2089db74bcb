from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "portal.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.dashboard.registry import register_figures
        from portal.home.sections import register_section
        from portal.notices import signals  # noqa: F401 - connects the receivers
        from portal.notices.metrics import NoticeFigures

        register_section("notices.NoticeIndexPage", title="公告", slug="notices", order=10)
        register_figures(NoticeFigures, order=50)
