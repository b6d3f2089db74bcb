"""A short-lived cache of public pages for anonymous readers, answered before routing.

Only responses that a page marked cacheable (AnonymousCacheMixin) and that were produced for
an anonymous GET are stored; anything an anonymous reader may open is public, because the
before_serve_page hook refuses the rest before the page renders. Pages carry no CSRF token
for anonymous readers (the language switch is a plain link, and the 长辈模式 switch posts
without one: portal.accounts.views.elder_mode). A page is kept per language and per mode
(standard or 长辈模式). Any publish, unpublish, move or delete of a page bumps a generation
number, so the next request renders afresh; the short lifetime bounds what changes with time
alone (a notice moving from current to expired).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from portal.accounts import elder

GENERATION_KEY = "page-cache:generation"


def generation() -> int:
    """Return the page tree's generation: it moves on at every publish, unpublish, move and delete."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def invalidate(**_kwargs) -> None:
    """Forget every cached page (called on publish, unpublish, move and delete)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _key(request) -> str:
    # The absolute address, because the page names itself (og:url, og:image) with its scheme
    # and host; hashed, because Chinese slugs percent-encode past memcached's 250-byte keys.
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    # The mode (长辈模式 or standard) is drawn into the page: each has its own copy.
    mode = "elder" if elder.is_on(request) else "standard"
    return f"page-cache:{generation()}:{translation.get_language()}:{mode}:{path}"


def _anonymous_get(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


class AnonymousPageCacheMiddleware:
    seconds = getattr(settings, "GONGZHI_PAGE_CACHE_SECONDS", 60)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_get(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            response["X-Page-Cache"] = "hit"
            response["Content-Language"] = translation.get_language()
            return response
        response = self.get_response(request)
        if (
            getattr(response, "gongzhi_anonymous_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            cache.set(
                key,
                {"content": response.content, "content_type": response["Content-Type"]},
                self.seconds,
            )
        return response
