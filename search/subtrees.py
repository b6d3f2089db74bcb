"""Reindex a page's subtree when an unindexed ancestor (an estate page, a section index) is
published or unpublished: its visibility changes what the pages under it reveal. Likewise,
the page and its subtree, when a Wagtail view restriction (private: sign-in, password,
groups) is put on a page or lifted, which is not a publish: restricted pages are never indexed
(search.pages.page_audience).

Apart from search.signals because it asks the registry which models are indexed, and the
registry connects search.signals for each model it registers.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from search.registry import registration_for
from search.signals import enqueue


def _ancestor_published(sender, instance, **kwargs) -> None:
    if registration_for(type(instance)) is None and not instance.is_leaf():
        enqueue("search.tasks.reindex_subtree", instance.pk)


def _restriction_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        enqueue("search.tasks.reindex_subtree", instance.page_id)


def connect() -> None:
    post_save.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="search-restricted"
    )
    post_delete.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="search-unrestricted"
    )
    page_published.connect(_ancestor_published, dispatch_uid="search-ancestor-published")
    page_unpublished.connect(_ancestor_published, dispatch_uid="search-ancestor-unpublished")
