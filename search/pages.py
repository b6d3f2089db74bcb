"""Helpers for the documents of Wagtail pages: who may see a page, and its text."""

from __future__ import annotations

import html
import re
from typing import Any

from portal.community.choices import Visibility
from themes.sanitiser import plain_text

# Most open first: a page is as restricted as the most restricted of it and its ancestors.
_OPENNESS = {Visibility.PUBLIC: 0, Visibility.MEMBERS: 1, Visibility.OWNERS: 2}
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|div|tr|td|th|blockquote)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_text(value: str | None) -> str:
    """Return readable text of stored HTML: tags removed, one line per paragraph."""
    if not value:
        return ""
    text = html.unescape(plain_text(_BLOCK_END.sub("\n", value)))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def stream_text(stream: Any) -> str:
    """Return the text of a StreamField value (headings, rich text, key facts, tables)."""
    raw = getattr(stream, "raw_data", stream)
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(html_text(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("id", "type", "image", "document", "first_row_is_table_header"):
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for block in raw or []:
        walk(block.get("value") if isinstance(block, dict) else block)
    return "\n".join(part for part in parts if part)


def page_audience(page: Any) -> tuple[Any, str] | None:
    """Return (estate, visibility) for a page that may be indexed, or None.

    None for anything not openly published: not live, expired, or behind a Wagtail view
    restriction (staff only). The visibility is the strictest of the page and its ancestors,
    so the index never shows more than serving the page would.
    """
    from wagtail.models import PageViewRestriction

    if not page.live or page.expired:
        return None
    ancestors = page.get_ancestors(inclusive=True)
    if PageViewRestriction.objects.filter(page__in=ancestors).exists():
        return None
    visibility = getattr(page, "visibility", Visibility.PUBLIC)
    for ancestor in ancestors.specific():
        ancestor_visibility = getattr(ancestor, "visibility", Visibility.PUBLIC)
        if _OPENNESS.get(ancestor_visibility, 2) > _OPENNESS.get(visibility, 2):
            visibility = ancestor_visibility
    return page.page_estate, visibility


def page_url(page: Any) -> str:
    """Return the page's site-relative URL."""
    return page.get_url() or page.url_path


def page_date(page: Any):
    return page.last_published_at or page.first_published_at
