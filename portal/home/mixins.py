"""Parts every Gongzhi page shares: its visibility and the estate it belongs to."""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from portal.community.choices import Visibility


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
        from portal.home.models import EstatePage

        estate_page = (
            EstatePage.objects.ancestor_of(self, inclusive=True).select_related("estate").first()
        )
        return estate_page.estate if estate_page else None


class SectionIndexMixin(VisibilityMixin):
    """An estate section (公告, 征求意见, 业主大会, 知识库): lists the pages the reader may open."""

    intro = models.TextField(_("简介"), blank=True)
    per_page = 20

    class Meta:
        abstract = True

    def visible_children(self, request):
        """Return the live child pages this reader may open, newest first."""
        from portal.home.visibility import filter_visible_pages

        children = self.get_children().live().specific().order_by("-first_published_at")
        return filter_visible_pages(children, request.user, self.page_estate)

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.visible_children(request), self.per_page)
        context["items"] = paginator.get_page(request.GET.get("page"))
        return context


class AnonymousCacheMixin:
    """Serve a page to anonymous readers from the cache for a short while.

    Only anonymous GETs are cached: anything an anonymous reader may open is public (the
    before_serve_page hook has already refused the rest), and their pages carry no CSRF token
    (the language switch is a plain link). The key holds the page's latest revision, so a
    publish shows at once; the short lifetime bounds what changes with time (a notice moving
    from current to expired).
    """

    anonymous_cache_seconds = 60

    def serve(self, request, *args, **kwargs):
        from django.core.cache import cache
        from django.http import HttpResponse
        from django.utils import translation

        if not self._anonymous_cacheable(request):
            return super().serve(request, *args, **kwargs)
        key = f"page:{self.pk}:{self.latest_revision_id}:{translation.get_language()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            response["X-Page-Cache"] = "hit"
            return response
        response = super().serve(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not response.cookies:
                cache.set(
                    key,
                    {"content": response.content, "content_type": response["Content-Type"]},
                    self.anonymous_cache_seconds,
                )
        return response

    @staticmethod
    def _anonymous_cacheable(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and not getattr(request, "is_preview", False)
            and "messages" not in request.COOKIES
        )
