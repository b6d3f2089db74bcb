"""Pages of this section."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from portal.home.mixins import SectionIndexMixin, VisibilityMixin


class NoticeIndexPage(SectionIndexMixin, Page):
    """The estate's 公告 section."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage"]
    subpage_types: list[str] = ["home.StandardPage"]
    template = "notices/notice_index_page.html"

    class Meta:
        verbose_name = _("公告")
