"""The page tree's upper levels: the district home and one hub page per estate."""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal.community.models import Estate, SubDistrict
from portal.home import routes, sections
from portal.home.blocks import BodyBlock
from portal.home.mixins import AnonymousCacheMixin, VisibilityMixin
from portal.home.visibility import filter_visible_pages


class HomePage(AnonymousCacheMixin, Page):
    """The sub-district's home: its estates and the district-wide knowledge base."""

    sub_district = models.ForeignKey(
        SubDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("街道"),
    )
    intro = RichTextField(_("简介"), blank=True, features=["bold", "link", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("sub_district"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "home/home_page.html"

    class Meta:
        verbose_name = _("首页")

    @classproperty
    def subpage_types(cls) -> list[str]:
        # Feature apps register the district-wide sections (portal/home/sections.py).
        return ["home.EstatePage", *sections.district_page_types(), "home.StandardPage"]

    def route(self, request, path_components):
        """Route from the site's root as Wagtail does, remembering where addresses lead."""
        return routes.route(self, request, path_components, super().route)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["estate_pages"] = (
            EstatePage.objects.child_of(self).live().select_related("estate").order_by("title")
        )
        return context


class EstatePage(AnonymousCacheMixin, VisibilityMixin, Page):
    """One estate's hub: its notices, consultations, assemblies, discussion and knowledge."""

    estate = models.OneToOneField(
        Estate, on_delete=models.PROTECT, related_name="page", verbose_name=_("小区")
    )
    intro = RichTextField(_("简介"), blank=True, features=["bold", "link", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.HomePage"]
    template = "home/estate_page.html"

    class Meta:
        verbose_name = _("小区主页")

    @classproperty
    def subpage_types(cls) -> list[str]:
        # Feature apps register their index pages (portal/home/sections.py).
        return [*sections.estate_page_types(), "home.StandardPage"]

    @property
    def page_estate(self) -> Estate:
        return self.estate

    @cached_property
    def section_pages(self) -> dict[str, Page]:
        """Return the estate's section index pages by kind, for the estate navigation."""
        return {
            child.specific_class._meta.model_name: child
            for child in self.get_children().live().not_type(StandardPage).specific()
        }

    @property
    def section_links(self):
        """Return the section links the hub shows as tiles (cached; portal.home.navigation)."""
        # portal.home.navigation reads these models: imported when first asked.
        from portal.home.navigation import estate_links

        links = estate_links(self.estate, estate_page=self)
        return links.sections if links else {}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pages = StandardPage.objects.child_of(self).live().order_by("path")
        context["standard_pages"] = filter_visible_pages(pages, request.user, self.estate)
        return context


class StandardPage(AnonymousCacheMixin, VisibilityMixin, Page):
    """A plain content page: about the estate, contacts, rules posted for members."""

    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    template = "home/standard_page.html"

    class Meta:
        verbose_name = _("普通页面")
