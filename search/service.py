"""The one search entry point: segment the query, ask the backend, retry relaxed, highlight.

    outcome = search.service.search(user, "业委会怎么选", kind=None, page=1)

All query terms are required; when that finds nothing anywhere the reader may look, the
same words are asked again with any term sufficing, and `outcome.relaxed` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from portal.replica import replica_reads
from search import suggest
from search.backends import get_backend
from search.choices import DocumentKind, Ordering
from search.models import SearchDocument
from search.query import Audience, SearchRequest, audience_for, highlight
from search.segment import ParsedQuery, parse_query

PER_PAGE = 10
SNIPPET_LENGTH = 110


@dataclass
class Hit:
    document: SearchDocument
    title: SafeString
    snippet: SafeString

    @property
    def kind_label(self) -> str:
        return self.document.get_kind_display()


@dataclass
class Outcome:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    relaxed: bool = False
    # When nothing is found: near queries that do find something for this reader.
    suggestions: list[str] = field(default_factory=list)
    kind_counts: dict[str, int] = field(default_factory=dict)
    estate_counts: dict[int | None, int] = field(default_factory=dict)
    page: Page | None = None

    @property
    def facets(self) -> list[tuple[str, str, int]]:
        """Return (kind, label, count) for every kind, in the fixed facet order."""
        return [(k.value, str(k.label), self.kind_counts.get(k.value, 0)) for k in DocumentKind]


def search(
    user: Any,
    text: str,
    *,
    kind: str | None = None,
    estate_id: int | None = None,
    ordering: str = Ordering.RELEVANCE,
    page: int = 1,
    per_page: int = PER_PAGE,
    audience: Audience | None = None,
) -> Outcome:
    """Search what the user may see; return one page of highlighted hits and the facets."""
    query = parse_query(text)
    outcome = Outcome(query=query)
    if not query:
        return outcome
    audience = audience if audience is not None else audience_for(user)
    backend = get_backend()
    page = max(1, page)
    request = SearchRequest(
        query=query,
        audience=audience,
        kind=kind or None,
        estate_id=estate_id or None,
        ordering=ordering if ordering in Ordering.values else Ordering.RELEVANCE,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    result = backend.search(request)
    if not result.kind_counts and len(query.terms) > 1:
        request = replace(request, match_all=False)
        result = backend.search(request)
        outcome.relaxed = True
    if result.total and request.offset >= result.total:
        last = (result.total - 1) // per_page + 1
        request = replace(request, offset=(last - 1) * per_page)
        result = backend.search(request)
    outcome.total = result.total
    if (outcome.relaxed or not result.total) and not (request.kind or request.estate_id):
        outcome.suggestions = suggest.suggestions(query, replace(request, match_all=True))
    outcome.kind_counts = result.kind_counts
    outcome.estate_counts = result.estate_counts
    # The hits' rows from the same copy the index was read from (portal.replica).
    with replica_reads():
        rows = SearchDocument.objects.select_related("estate").in_bulk(result.ids)
    words = query.highlight_words
    outcome.hits = [
        Hit(
            document=rows[pk],
            title=highlight(rows[pk].title, words),
            snippet=highlight(rows[pk].body, words, length=SNIPPET_LENGTH),
        )
        for pk in result.ids
        if pk in rows
    ]
    paginator = Paginator(range(result.total), per_page)
    outcome.page = paginator.get_page(request.offset // per_page + 1)
    return outcome
