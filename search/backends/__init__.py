"""Search backends behind one interface; `GONGZHI_SEARCH_BACKEND` chooses one.

Every backend:
- `index(rows)` / `remove(ids)`: mirror SearchDocument rows that were just written or
  deleted (the database backend's own structures follow the table by themselves);
- `rebuild(rows)`: rebuild from the table after `manage.py search_reindex`;
- `search(request)`: return the ids of the matching rows the audience may see, ranked,
  with the total and the facet counts — the permission filter is part of the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.query import BackendResult, SearchRequest

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


class SearchBackend:
    name = ""

    def index(self, rows: Iterable) -> None:
        """Mirror freshly written SearchDocument rows."""

    def remove(self, ids: Iterable[int]) -> None:
        """Forget deleted SearchDocument rows."""

    def rebuild(self, rows: Iterable) -> None:
        """Rebuild the backend's index from all rows."""

    def search(self, request: SearchRequest) -> BackendResult:
        raise NotImplementedError


@cache
def _load(name: str) -> SearchBackend:
    from django.utils.module_loading import import_string

    try:
        path = BACKENDS[name]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"GONGZHI_SEARCH_BACKEND={name!r}; use one of {', '.join(BACKENDS)}."
        ) from exc
    return import_string(path)()


def get_backend(name: str | None = None) -> SearchBackend:
    """Return the configured backend (or the named one)."""
    return _load(name or getattr(settings, "GONGZHI_SEARCH_BACKEND", "database"))
