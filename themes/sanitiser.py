"""The one sanitiser for HTML that users write (posts, opinions, comments).

Every app that stores user-written rich text calls `clean_html` before saving and renders
the stored result as safe; nothing else decides which markup a user may use. The allow-list is
deliberately small: emphasis, lists, quotes, code and links. Links may only use http(s) and
mailto, and get `rel="nofollow ugc noopener"` so the site lends them no reputation (Discourse
and Wikipedia do the same). Bare URLs in text become such links.
"""

from __future__ import annotations

import bleach
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset(
    {
        "a",
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _user_link(attrs: dict, new: bool = False) -> dict | None:
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_linker = Linker(callbacks=[_user_link], skip_tags={"pre", "code"}, parse_email=False)


def clean_html(value: str | None) -> str:
    """Return `value` reduced to the allow-list, with every link marked as user-generated.

    Disallowed tags are stripped and their text kept (so a pasted `<script>` becomes
    harmless visible text), attributes outside the list are dropped, and plain-text line
    breaks survive as `<br>` when the author wrote no paragraph markup.
    """
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    cleaned = _cleaner.clean(text)
    if "<p>" not in cleaned and "\n" in cleaned:
        cleaned = "<br>".join(cleaned.split("\n"))
    return _linker.linkify(cleaned)


def plain_text(value: str | None) -> str:
    """Return the text of user HTML with every tag removed (for excerpts, search, e-mail)."""
    if not value:
        return ""
    return bleach.clean(value, tags=set(), strip=True, strip_comments=True).strip()
