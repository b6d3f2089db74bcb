"""Serving-time and listing-time visibility of pages, through the one permissions module."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.community import permissions
from portal.community.choices import Visibility


def page_visibility(page: Any) -> str:
    return getattr(page, "visibility", Visibility.PUBLIC)


def may_view_page(user: Any, page: Any) -> bool:
    """Return whether the user may open the page (its own visibility and its ancestors')."""
    page = page.specific
    estate = getattr(page, "page_estate", None)
    if not permissions.may_view(user, estate, page_visibility(page)):
        return False
    # A page inside a members-only estate page inherits that restriction.
    if estate is not None and hasattr(estate, "page") and page.pk != estate.page.pk:
        return permissions.may_view(user, estate, estate.page.visibility)
    return True


def may_view_live_page(user: Any, page: Any) -> bool:
    """Return whether the page is published and the user may open it on the site.

    The test for anything that copies a page's title or files elsewhere (a thread naming
    it, a document served from it): a draft is never shown, even to its editors, outside
    the admin.
    """
    return bool(page.live) and may_view_page(user, page)


def filter_visible_pages(pages: QuerySet | list, user: Any, estate: Any) -> list:
    """Return the pages of one estate that the user may open, keeping their order."""
    allowed = {value for value in Visibility.values if permissions.may_view(user, estate, value)}
    return [page for page in pages if page_visibility(page) in allowed]


def public_pages(queryset: QuerySet) -> QuerySet:
    """Narrow a Page queryset to what anyone may open: live, public, in a public estate.

    The same rule as `may_view_page` for an anonymous reader, in a few queries: one per
    page type that has a visibility field, and one for the estate pages.
    """
    from django.apps import apps
    from django.db.models import Q

    from portal.home.mixins import VisibilityMixin
    from portal.home.models import EstatePage

    hidden = Q()
    for model in apps.get_models():
        if issubclass(model, VisibilityMixin) and not model._meta.abstract:
            ids = model.objects.exclude(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
            hidden |= Q(pk__in=list(ids))
    for path in EstatePage.objects.exclude(visibility=Visibility.PUBLIC).values_list(
        "path", flat=True
    ):
        hidden |= Q(path__startswith=path)
    return queryset.live().public().exclude(hidden) if hidden else queryset.live().public()
