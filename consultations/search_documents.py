"""Consultations in the search index (see search.registry): purpose, background and the draft."""

from __future__ import annotations

from consultations.models import ConsultationPage
from search.choices import DocumentKind
from search.pages import html_text, page_audience, page_url
from search.registry import Document, register


def consultation_document(page: ConsultationPage) -> Document | None:
    audience = page_audience(page)
    if audience is None:
        return None
    estate, visibility = audience
    sections = [f"{s.heading}\n{html_text(s.body)}" for s in page.sections.all()]
    return Document(
        kind=DocumentKind.CONSULTATION,
        title=page.title,
        body="\n".join(
            part for part in (page.purpose, html_text(page.background), *sections) if part
        ),
        url=page_url(page),
        estate=estate,
        visibility=visibility,
        date=page.first_published_at or page.opens_at,
    )


register(ConsultationPage, consultation_document)
