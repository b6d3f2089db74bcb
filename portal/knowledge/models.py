"""Pages of this section."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from portal.home.mixins import SectionIndexMixin, VisibilityMixin


class KnowledgeIndexPage(SectionIndexMixin, Page):
    """The estate's 知识库 section."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage", "home.HomePage"]
    subpage_types: list[str] = ["home.StandardPage"]
    template = "knowledge/knowledge_index_page.html"

    class Meta:
        verbose_name = _("知识库")
