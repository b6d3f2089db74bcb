"""Full links to the site for places a reader follows from outside it: emails, SMS, the QR
code on a printed notice, calendar feeds. One base: WAGTAILADMIN_BASE_URL, the site's public
address from the environment, never the host name of Wagtail's Site record (which the
initial migration sets to "localhost") nor the host a request happened to use."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return the site-relative path as a full link: "/jinxiu/" → "https://example.cn/jinxiu/"."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if not path:
        return base + "/"
    return base + (path if path.startswith("/") else "/" + path)


def page_full_url(page: Any, request: Any = None) -> str:
    """Return a Wagtail page's full link on the configured base URL ("" if it has none)."""
    parts = page.get_url_parts(request)
    if parts is None:
        return ""
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)
