"""Knowledge articles and FAQ pages in the search index (see search.registry)."""

from __future__ import annotations

from portal.knowledge.models import ArticlePage, FAQPage
from search.choices import DocumentKind
from search.pages import html_text, page_audience, page_date, page_url, stream_text
from search.registry import Document, register


def _document(page, body_parts: list[str]) -> Document | None:
    audience = page_audience(page)
    if audience is None:
        return None
    estate, visibility = audience
    category = page.category.name if page.category_id else ""
    return Document(
        kind=DocumentKind.KNOWLEDGE,
        title=page.title,
        body="\n".join(part for part in [page.summary, *body_parts, category] if part),
        url=page_url(page),
        estate=estate,
        visibility=visibility,
        date=page_date(page),
    )


def article_document(page: ArticlePage) -> Document | None:
    tags = " ".join(tag.name for tag in page.tags.all())
    return _document(page, [stream_text(page.body), tags])


def faq_document(page: FAQPage) -> Document | None:
    answers = [
        f"{block.value['question']}\n{html_text(block.value['answer'].source)}"
        for block in page.questions
    ]
    return _document(page, answers)


register(ArticlePage, article_document)
register(FAQPage, faq_document)
