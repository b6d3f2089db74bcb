"""Discussion threads and their replies in the search index (see search.registry).

A thread's document is its title and opening post; each later published reply is its own
document pointing at the post's anchor. Held, hidden and deleted text is never indexed, and
everything is members-only (officials over the estate included), as the discussion area is.
"""

from __future__ import annotations

from django.urls import reverse

from deliberation.choices import PostStatus
from deliberation.models import Post, Thread
from portal.community.choices import Visibility
from search.choices import DocumentKind
from search.registry import Document, register
from themes.sanitiser import plain_text


def _thread_url(thread: Thread) -> str:
    return reverse("deliberation:thread_detail", args=[thread.estate.slug, thread.pk])


def thread_document(thread: Thread) -> Document | None:
    if thread.is_held:
        return None
    opening = thread.posts.filter(is_opening=True, status=PostStatus.PUBLISHED).first()
    return Document(
        kind=DocumentKind.DELIBERATION,
        title=thread.title,
        body=plain_text(opening.body) if opening else "",
        url=_thread_url(thread),
        estate=thread.estate,
        visibility=Visibility.MEMBERS,
        party=thread.responsible_party or "",
        date=thread.created_at,
    )


def post_document(post: Post) -> Document | None:
    thread = post.thread
    if post.is_opening or post.status != PostStatus.PUBLISHED or thread.is_held:
        return None
    return Document(
        kind=DocumentKind.DELIBERATION,
        title=thread.title,
        body=plain_text(post.body),
        url=f"{_thread_url(thread)}#post-{post.pk}",
        estate=thread.estate,
        visibility=Visibility.MEMBERS,
        party=post.official_party or "",
        date=post.created_at,
    )


register(Thread, thread_document)
register(Post, post_document, related=lambda post: [post.thread] if post.is_opening else [])
