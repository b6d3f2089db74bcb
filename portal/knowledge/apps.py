from __future__ import annotations

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "portal.knowledge"
    label = "knowledge"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from django.db.models.signals import post_delete, post_save

        from portal.home.page_cache import invalidate
        from portal.home.sections import register_section
        from portal.knowledge.models import KnowledgeCategory

        # The knowledge indexes list the categories; they change without a page publish.
        post_save.connect(invalidate, sender=KnowledgeCategory, dispatch_uid="kb-category-saved")
        post_delete.connect(
            invalidate, sender=KnowledgeCategory, dispatch_uid="kb-category-deleted"
        )

        # Each estate has its knowledge base, and the district one of its own (laws, guides).
        register_section(
            "knowledge.KnowledgeIndexPage",
            title="知识库",
            slug="knowledge",
            order=40,
            district=True,
        )
