"""Where a page address leads, remembered per page tree generation: one query, not two a level.

Wagtail routes an address by walking down from the site's root, reading each level's child
by slug and then its specific page: two statements per level, so a notice costs eight before
its own reads, on every request a signed-in member makes (their pages are never cached
whole). The walk's answer (which page it stopped at, after how many slugs) depends only on
the page tree, so it is kept in the cache under the tree's generation, the number that moves
on at every publish, unpublish, move and delete (portal.home.page_cache). A remembered route
reads its page in one statement, is used only while that page is still at the address (its
url_path), and lets that page route what is left of the address itself
(a notice's acknowledge/, a feed), so liveness and sub-routes are decided exactly as before;
a view restriction, the visibility rule and every other check come after routing, unchanged.
Addresses that lead nowhere are not remembered.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from portal.home.page_cache import generation

SECONDS = 60 * 60


def _key(root: Any, components: list[str]) -> str:
    # Hashed, because Chinese slugs percent-encode past memcached's 250-byte keys.
    address = hashlib.sha256("/".join(components).encode()).hexdigest()
    return f"page-route:{generation()}:{root.pk}:{address}"


def _address(root: Any, components: list[str]) -> str:
    return root.url_path + "".join(f"{component}/" for component in components)


def route(root: Any, request: Any, components: list[str], walk) -> Any:
    """Return the route from `root` (the site's root page) for the address's components.

    `walk(request, components)` is Wagtail's own routing from the root, used when the
    address is not remembered.
    """
    if not components:
        return walk(request, components)
    key = _key(root, components)
    remembered = cache.get(key)
    if remembered is not None:
        content_type_id, page_id, consumed = remembered
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model.objects.filter(pk=page_id).first() if model is not None else None
        # Still at that address (its url_path is root's plus the slugs it was reached by),
        # so even a route remembered across a change the generation missed leads true.
        if page is not None and page.url_path == _address(root, components[:consumed]):
            return page.route(request, components[consumed:])
    result = walk(request, components)
    page = result[0]
    cache.set(key, (page.content_type_id, page.pk, page.depth - root.depth), SECONDS)
    return result
