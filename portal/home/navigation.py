"""An estate's navigation (its hub page and section indexes), read once per page-tree change.

Every page of an estate draws the estate navigation (公告 · 征求意见 · 业主大会 · … · 知识库)
and the hub page draws a tile per section. Reading the section index pages costs a query per
page type on every request; what the navigation needs of them (address, title, intro) changes
only when a page is published, unpublished, moved or deleted, which is when
`portal.home.page_cache` moves its generation on. So the links are kept in the cache under
the estate and that generation, and a change anywhere in the tree reads them afresh.

Nothing in them depends on the reader: which sections a reader may open is decided when the
index is served and in every listing (portal.home.visibility), as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from portal.home import page_cache

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


def _key(estate_id: int) -> str:
    return f"estate-nav:{page_cache.generation()}:{estate_id}"


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
