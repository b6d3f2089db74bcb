"""Reindex a page's subtree when an unindexed ancestor (an estate page, a section index) is
published or unpublished: its visibility changes what the pages under it reveal.

Apart from search.signals because it asks the registry which models are indexed, and the
registry connects search.signals for each model it registers.
"""

from __future__ import annotations

from wagtail.signals import page_published, page_unpublished

from search.registry import registration_for
from search.signals import enqueue


def _ancestor_published(sender, instance, **kwargs) -> None:
    if registration_for(type(instance)) is None and not instance.is_leaf():
        enqueue("search.tasks.reindex_subtree", instance.pk)


def connect() -> None:
    page_published.connect(_ancestor_published, dispatch_uid="search-ancestor-published")
    page_unpublished.connect(_ancestor_published, dispatch_uid="search-ancestor-unpublished")
