"""Keep the anonymous page cache honest: any change to the page tree invalidates it."""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.home.page_cache import invalidate


def connect() -> None:
    from wagtail.models import Page

    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="page-cache-deleted")
