"""What a search asks and answers, independent of the backend.

`Audience` is the permission filter every backend puts INSIDE its query: it is built from
portal.community.permissions (the same rules as opening the page), never by trimming a
page of results afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.community import permissions
from portal.community.choices import Visibility
from search.choices import Ordering
from search.segment import ParsedQuery


@dataclass(frozen=True)
class Audience:
    """Which documents a reader may see.

    A document is visible when it is public; or it is district-wide (no estate) and the
    reader is signed in; or it is for members of an estate in `member_estates`; or it is for
    verified owners of an estate in `owner_estates`. Site administrators see everything.
    """

    everything: bool = False
    signed_in: bool = False
    member_estates: frozenset[int] = frozenset()
    owner_estates: frozenset[int] = frozenset()

    def allows(self, *, estate_id: int | None, visibility: str) -> bool:
        """Answer for one document, by the same rule the backends put in their queries."""
        if self.everything or visibility == Visibility.PUBLIC:
            return True
        if estate_id is None:
            return self.signed_in
        if visibility == Visibility.MEMBERS:
            return estate_id in self.member_estates
        return visibility == Visibility.OWNERS and estate_id in self.owner_estates


def audience_for(user: Any) -> Audience:
    """Return what the user may see, from the one permissions module."""
    if permissions.is_site_admin(user):
        return Audience(everything=True, signed_in=True)
    if not permissions.is_authenticated(user):
        return Audience()
    return Audience(
        signed_in=True,
        member_estates=frozenset(
            permissions.estates_where(user, "view_members").values_list("pk", flat=True)
        ),
        owner_estates=frozenset(
            permissions.estates_where(user, "view_owners").values_list("pk", flat=True)
        ),
    )


@dataclass(frozen=True)
class SearchRequest:
    """One backend query: every term required (`match_all`) or any term (the relaxed retry)."""

    query: ParsedQuery
    audience: Audience
    match_all: bool = True
    kind: str | None = None
    estate_id: int | None = None
    ordering: str = Ordering.RELEVANCE
    offset: int = 0
    limit: int = 10


@dataclass
class BackendResult:
    """Ids of SearchDocument rows in result order, the total, and the facet counts."""

    ids: list[int]
    total: int
    kind_counts: dict[str, int] = field(default_factory=dict)
    estate_counts: dict[int | None, int] = field(default_factory=dict)


def facet_counts(
    groups: list[tuple[str, int | None, int]], *, kind: str | None, estate_id: int | None
) -> tuple[int, dict[str, int], dict[int | None, int]]:
    """Fold (kind, estate, count) groups into the total and the two facets.

    Kind counts honour the estate filter; estate counts honour the kind filter; each facet
    ignores its own filter so the reader sees what choosing another value would give.
    """
    total = 0
    kinds: dict[str, int] = {}
    estates: dict[int | None, int] = {}
    for group_kind, group_estate, count in groups:
        in_estate = estate_id is None or group_estate == estate_id
        in_kind = kind is None or group_kind == kind
        if in_estate:
            kinds[group_kind] = kinds.get(group_kind, 0) + count
        if in_kind:
            estates[group_estate] = estates.get(group_estate, 0) + count
        if in_estate and in_kind:
            total += count
    return total, kinds, estates


def highlight(text: str, words: tuple[str, ...], *, length: int | None = None) -> SafeString:
    """Return the text escaped, with the words marked; cut to the best window if `length`.

    The window is the one with the most different words in it, so a snippet shows where
    the query's words meet, not merely where the first one appears.
    """
    text = text or ""
    words = tuple(w for w in words if w)
    pattern = (
        re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
        if words
        else None
    )
    matches = list(pattern.finditer(text)) if pattern else []
    start, end = 0, len(text)
    if length is not None and len(text) > length:
        best_start, best_score = 0, -1
        for match in matches or [None]:
            begin = max(0, (match.start() if match else 0) - length // 4)
            window = [m for m in matches if begin <= m.start() and m.end() <= begin + length]
            score = len({m.group(0).lower() for m in window}) * 1000 - begin
            if score > best_score:
                best_start, best_score = begin, score
        start, end = best_start, min(len(text), best_start + length)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for match in matches:
        if match.start() < cursor or match.end() > end:
            continue
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces).replace("\n", " "))  # noqa: S308 - every piece is escaped
