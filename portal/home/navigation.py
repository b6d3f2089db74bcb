"""An estate's navigation (its hub page and section indexes), read once per page-tree change.

Every page of an estate draws the estate navigation (公告 · 征求意见 · 业主大会 · … · 知识库)
and the hub page draws a tile per section. Reading the section index pages costs a query per
page type on every request; what the navigation needs of them (address, title, intro) changes
only when a page at most as deep as a section index (the district home, an estate page, a
section) is published, unpublished, moved or deleted. So the links are kept in the cache under
the estate and a generation that such a change moves on (portal.home.signals); a notice
published deep in the tree leaves them be.

Nothing in them depends on the reader: which sections a reader may open is decided when the
index is served and in every listing (portal.home.visibility), as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

# A bound on staleness should a change ever reach the tree without a Wagtail signal.
SECONDS = 600


@dataclass(frozen=True)
class SectionLink:
    kind: str  # the index page model's name, e.g. "noticeindexpage"
    url: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class EstateLinks:
    home_url: str
    sections: dict[str, SectionLink]


GENERATION_KEY = "estate-nav:generation"
# Root 1, district home 2, estate page 3, section index 4.
SECTION_DEPTH = 4


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def invalidate() -> None:
    """Forget every estate's links."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def invalidate_for(instance=None, parent_page_before=None, **_kwargs) -> None:
    """Forget the links when the changed page is (or was) a section index or above it."""
    depths = [getattr(instance, "depth", None)]
    if parent_page_before is not None:  # a move: where it was counts too
        depths.append(parent_page_before.depth + 1)
    if any(depth is None or depth <= SECTION_DEPTH for depth in depths):
        invalidate()


def _key(estate_id: int) -> str:
    return f"estate-nav:{_generation()}:{estate_id}"


def _read(estate_page) -> EstateLinks:
    return EstateLinks(
        home_url=estate_page.url or "",
        sections={
            kind: SectionLink(
                kind=kind,
                url=page.url or "",
                title=page.title,
                intro=getattr(page, "intro", "") or "",
            )
            for kind, page in estate_page.section_pages.items()
        },
    )


def estate_links(estate, *, estate_page=None) -> EstateLinks | None:
    """Return the estate's hub address and section links, or None if it has no hub page.

    Read from the cache, which holds them until the page tree next changes.
    """
    key = _key(estate.pk)
    links = cache.get(key)
    if links is None:
        page = estate_page or getattr(estate, "page", None)
        if page is None:
            return None
        links = _read(page)
        cache.set(key, links, SECONDS)
    return links
