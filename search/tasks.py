"""django-q2 tasks of the search index (scheduled by search.signals after commit)."""

from __future__ import annotations

from search import index


def index_object(content_type_id: int, object_id: int) -> str:
    """Index the object's document, or drop it when the object may no longer be found."""
    return index.index_object(content_type_id, object_id)


def remove_object(content_type_id: int, object_id: int) -> str:
    index.remove_object(content_type_id, object_id)
    return "removed"


def reindex_subtree(page_id: int) -> int:
    """Re-index every registered page below a page whose visibility may have changed."""
    return index.reindex_subtree(page_id)
