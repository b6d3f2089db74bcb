"""Keep the caches honest: any change to the page tree invalidates the anonymous page cache,
and a change at or above the section indexes the estate navigation.

A page's privacy (Wagtail's view restriction: sign-in, password or groups) is not a publish:
adding, changing or removing one invalidates the page cache too, or a page just made private
would be served from it to anonymous readers until its copy expired."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.home import navigation
from portal.home.page_cache import invalidate


def connect() -> None:
    # Imported here: wagtail's models are not loaded when this module is.
    from wagtail.models import Page, PageViewRestriction

    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="page-cache-deleted")
    post_save.connect(invalidate, sender=PageViewRestriction, dispatch_uid="page-cache-private")
    post_delete.connect(invalidate, sender=PageViewRestriction, dispatch_uid="page-cache-public")
    m2m_changed.connect(
        invalidate, sender=PageViewRestriction.groups.through, dispatch_uid="page-cache-groups"
    )
    page_published.connect(navigation.invalidate_for, dispatch_uid="estate-nav-published")
    page_unpublished.connect(navigation.invalidate_for, dispatch_uid="estate-nav-unpublished")
    post_page_move.connect(navigation.invalidate_for, dispatch_uid="estate-nav-moved")
    post_delete.connect(navigation.invalidate_for, sender=Page, dispatch_uid="estate-nav-deleted")
