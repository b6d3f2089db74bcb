"""Keep the caches honest: any change to the page tree invalidates the anonymous page cache,
and a change at or above the section indexes the estate navigation."""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.home import navigation
from portal.home.page_cache import invalidate


def connect() -> None:
    from wagtail.models import Page

    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="page-cache-deleted")
    page_published.connect(navigation.invalidate_for, dispatch_uid="estate-nav-published")
    page_unpublished.connect(navigation.invalidate_for, dispatch_uid="estate-nav-unpublished")
    post_page_move.connect(navigation.invalidate_for, dispatch_uid="estate-nav-moved")
    post_delete.connect(navigation.invalidate_for, sender=Page, dispatch_uid="estate-nav-deleted")
