"""Notices in the search index (see search.registry)."""

from __future__ import annotations

from portal.notices.models import NoticePage
from search.choices import DocumentKind
from search.pages import page_audience, page_url, stream_text
from search.registry import Document, register


def notice_document(page: NoticePage) -> Document | None:
    """Return a published notice's document: title, summary, body, category and scope."""
    audience = page_audience(page)
    if audience is None:
        return None
    estate, visibility = audience
    body = "\n".join(
        part
        for part in (
            page.summary,
            stream_text(page.body),
            f"{page.get_category_display()} · {page.get_issuer_display()} · {page.scope_label}",
        )
        if part
    )
    return Document(
        kind=DocumentKind.NOTICE,
        title=page.title,
        body=body,
        url=page_url(page),
        estate=estate,
        visibility=visibility,
        party=page.issuer,
        date=page.first_published_at or page.last_published_at,
    )


register(NoticePage, notice_document)
