from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "portal.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from portal.dashboard.registry import register_figures
        from portal.home.sections import register_section
        from portal.home.todo import register_todo
        from portal.notices import (  # noqa: F401 - register the pages' sub-views
            feeds,
            signals,  # noqa: F401 - connects the receivers
            views,
        )
        from portal.notices.metrics import NoticeFigures
        from portal.notices.todo import notices_to_acknowledge

        register_section("notices.NoticeIndexPage", title="公告", slug="notices", order=10)
        register_figures(NoticeFigures, order=50)
        register_todo(notices_to_acknowledge, order=10)
