from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("搜索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): the registry and the receivers read models.
        from search import subtrees

        # Each app declares its searchable content in <app>/search_documents.py.
        autodiscover_modules("search_documents")
        subtrees.connect()
