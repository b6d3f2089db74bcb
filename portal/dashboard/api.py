"""Open data: Wagtail's read-only pages API, limited to what anyone may open on the site."""

from __future__ import annotations

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from portal.home.public import public_pages


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Pages as JSON, never one that a signed-out visitor could not open in the browser."""

    def get_base_queryset(self):
        return public_pages(super().get_base_queryset())


api_router = WagtailAPIRouter("open_api")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
