"""The member's own posts, for the copy of their data (PIPL Art. 45; portal/accounts/export.py).

What the author can see on the site, and no more: the text of their published, held and
hidden posts (the author may open a hidden post's text), but only a tombstone for a
deleted one; the thread's title as the thread page shows it to them (deliberation.visibility):
another member's withheld title stays withheld, one's own opening post's title is one's own.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deliberation import visibility
from deliberation.choices import PostStatus
from deliberation.models import Post, Thread
from portal.community import permissions
from themes.sanitiser import plain_text


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _title_for(user: Any, thread: Thread) -> str:
    """Return the thread's title as this member may read it: a withheld title is the opening
    post's words, so only who may read that post's withheld words reads it."""
    if visibility.title_is_shown(thread):
        return thread.title
    opening = thread.posts.filter(is_opening=True).select_related("thread__estate").first()
    if opening is not None and permissions.may(user, "read_withheld_post", opening):
        return thread.title
    return visibility.shown_title(thread)


def sections(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Return {"posts": [...]}: every post the user wrote, oldest first."""
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread__estate")
        .order_by("created_at", "pk")
    )
    titles: dict[int, str] = {}
    for post in posts:
        if post.thread_id not in titles:
            titles[post.thread_id] = _title_for(user, post.thread)
    return {
        "posts": [
            {
                "estate": post.thread.estate.name,
                "thread_id": post.thread_id,
                "thread_title": titles[post.thread_id],
                "opening_post": post.is_opening,
                "status": post.status,
                "status_label": str(post.get_status_display()),
                "official_answer": bool(post.official_party),
                "hidden_reason": str(post.get_hidden_reason_display())
                if post.hidden_reason
                else "",
                "text": "" if post.status == PostStatus.DELETED else plain_text(post.body),
                "created_at": _when(post.created_at),
                "edited_at": _when(post.edited_at),
                "deleted_at": _when(post.deleted_at),
            }
            for post in posts
        ]
    }
