from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("搜索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its searchable content in <app>/search_documents.py.
        from django.utils.module_loading import autodiscover_modules

        from search import signals

        autodiscover_modules("search_documents")
        signals.connect_ancestors()
