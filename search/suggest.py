"""What to offer when a search finds nothing: a near word of the estate's vocabulary, or a
near title the reader may open.

Typing Chinese with a pinyin input method produces the right sound and the wrong character
(维修资今, 物业废, 业委汇); a near dictionary word fixes that. A query that is nearly a
whole title (业主大会议事规责) is offered the title. Every suggestion is asked of the
backend first, for this reader, and offered only when it finds something: a suggestion that
also finds nothing would only send the reader round in circles.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from search.backends import get_backend
from search.choices import DocumentKind
from search.models import SearchDocument
from search.query import Audience, SearchRequest
from search.segment import ParsedQuery, domain_words, parse_query

MAX_SUGGESTIONS = 3
# How alike a word or title must be (difflib's ratio): one character in three may differ.
WORD_CUTOFF = 0.6
TITLE_CUTOFF = 0.6
# Titles compared: the newest published pages, enough for an estate's history, bounded so
# the comparison stays a few milliseconds on a page that found nothing.
TITLE_POOL = 2000


def _near_words(query: ParsedQuery) -> list[str]:
    """Return the query with a stretch replaced by a dictionary word one character off.

    Compared stretch by stretch, not word by word: a mistyped word is usually cut apart
    (维修资今 → 维修 / 资 / 今), so no single query word resembles 维修资金.
    """
    text = query.text
    by_length: dict[int, list[str]] = {}
    for word in sorted(domain_words()):
        if len(word) >= 3:
            by_length.setdefault(len(word), []).append(word)
    variants = []
    for length, words in sorted(by_length.items(), reverse=True):
        for start in range(len(text) - length + 1):
            stretch = text[start : start + length]
            if stretch in words:
                continue
            for near in difflib.get_close_matches(stretch, words, n=1, cutoff=WORD_CUTOFF):
                variants.append(text[:start] + near + text[start + length :])
    return variants


def _near_titles(query: ParsedQuery, audience: Audience) -> list[str]:
    """Return the titles the reader may open that read almost like the query."""
    if len(query.text) < 4:
        return []
    rows = (
        SearchDocument.objects.exclude(kind=DocumentKind.DELIBERATION)
        .order_by("-date")
        .values_list("title", "estate_id", "visibility")[:TITLE_POOL]
    )
    titles = [
        title
        for title, estate_id, visibility in rows
        if audience.allows(estate_id=estate_id, visibility=visibility)
    ]
    return difflib.get_close_matches(query.text, titles, n=2, cutoff=TITLE_CUTOFF)


def suggestions(query: ParsedQuery, request: SearchRequest) -> list[str]:
    """Return up to three queries that find something for this reader, nearest first."""
    found: list[str] = []
    backend = get_backend()
    for candidate in dict.fromkeys([*_near_words(query), *_near_titles(query, request.audience)]):
        parsed = parse_query(candidate)
        if not parsed or candidate == query.text:
            continue
        probe = replace(request, query=parsed, match_all=True, offset=0, limit=1)
        if backend.search(probe).total:
            found.append(candidate)
        if len(found) == MAX_SUGGESTIONS:
            break
    return found
