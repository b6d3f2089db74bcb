"""Parts every Gongzhi page shares: its visibility and the estate it belongs to."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from portal.community.choices import Visibility
from portal.community.models import Estate
from portal.home.visibility import filter_visible_pages


class VisibilityMixin(models.Model):
    """Who may open the page: everyone, the estate's members, or verified owners.

    Enforced when the page is served (home.wagtail_hooks) and in every listing,
    through portal.community.permissions.
    """

    visibility = models.CharField(
        _("可见范围"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    visibility_panels = [FieldPanel("visibility")]

    class Meta:
        abstract = True

    @cached_property
    def page_estate(self):
        """Return the Estate this page belongs to, or None for district-wide pages."""
        # The estate whose EstatePage is this page or one of its ancestors (the tree's paths,
        # as Wagtail's ancestor_of reads them).
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        # With its hub page: the visibility rule reads it next (may_view_page), at no query.
        return Estate.objects.filter(page__path__in=paths).select_related("page").first()


class SectionIndexMixin(VisibilityMixin):
    """An estate section (公告, 征求意见, 业主大会, 知识库): lists the pages the reader may open."""

    intro = models.TextField(_("简介"), blank=True)
    per_page = 20

    class Meta:
        abstract = True

    def visible_children(self, request):
        """Return the live child pages this reader may open, newest first."""
        children = self.get_children().live().specific().order_by("-first_published_at")
        return filter_visible_pages(children, request.user, self.page_estate)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.visible_children(request), self.per_page)
        context["items"] = paginator.get_page(request.GET.get("page"))
        # "Nothing here" would be untrue when there is content this reader may not open.
        context["has_hidden"] = not paginator.count and self.get_children().live().exists()
        return context


class AnonymousCacheMixin:
    """Let portal.home.page_cache serve this page to anonymous readers from the cache.

    The page only marks its response as cacheable; the middleware stores it and answers
    later anonymous GETs before Wagtail routes the request at all. Only the page's own
    rendered template is marked: a RoutablePage's other routes (feeds, calendars, forms)
    answer with headers of their own that the cache does not keep.

    A section index lists its children as Wagtail publishes them, so a publish, unpublish,
    move or delete refreshes it at once; what changes with time alone (a notice expiring,
    a consultation's phase, an assembly's state, which its schedule sets by a queryset
    update without a page signal) reaches anonymous readers within the cache's lifetime.
    """

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if (
            request.method == "GET"
            and not getattr(request, "is_preview", False)
            and isinstance(response, TemplateResponse)
        ):
            response.gongzhi_anonymous_cacheable = True
        return response
