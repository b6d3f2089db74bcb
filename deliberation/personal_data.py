"""The member's own posts, for the copy of their data (PIPL Art. 45; portal/accounts/export.py).

What the author can see on the site, and no more: the text of their published, held and
hidden posts (the author may open a hidden post's text), but only a tombstone for a
deleted one; the thread's title, which every member of the estate sees.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deliberation.choices import PostStatus
from deliberation.models import Post
from themes.sanitiser import plain_text


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def sections(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Return {"posts": [...]}: every post the user wrote, oldest first."""
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread__estate")
        .order_by("created_at", "pk")
    )
    return {
        "posts": [
            {
                "estate": post.thread.estate.name,
                "thread_id": post.thread_id,
                "thread_title": post.thread.title,
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
