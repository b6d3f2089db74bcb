"""Discussion threads and their replies in the search index (see search.registry).

A thread is one document: its title, the opening post and its published replies (so a busy
thread is one result, not one per reply). Saving any post re-indexes its thread, and the
moderation actions rewrite the thread's row in their own transaction (search.api.reindex_now).
What is indexed is what deliberation.visibility shows: held, hidden and deleted text never,
nor the title of a thread whose opening post is not shown. Everything is members-only
(officials over the estate included), as the discussion area is.
"""

from __future__ import annotations

from django.urls import reverse

from deliberation import visibility
from deliberation.models import Post, Thread
from portal.community.choices import Visibility
from search.choices import DocumentKind
from search.registry import Document, register
from themes.sanitiser import plain_text


def _thread_url(thread: Thread) -> str:
    return reverse("deliberation:thread_detail", args=[thread.estate.slug, thread.pk])


# Enough text to find a thread by what was said in it, without indexing whole archives.
BODY_LIMIT = 20_000


def thread_document(thread: Thread) -> Document | None:
    if thread.is_held:
        return None
    texts, length = [], 0
    for body in (
        visibility.shown_posts(thread.posts.all())
        .order_by("-is_opening", "created_at")
        .values_list("body", flat=True)
    ):
        text = plain_text(body)
        texts.append(text)
        length += len(text)
        if length > BODY_LIMIT:
            break
    return Document(
        kind=DocumentKind.DELIBERATION,
        title=visibility.shown_title(thread),
        body="\n".join(texts)[:BODY_LIMIT],
        url=_thread_url(thread),
        estate=thread.estate,
        visibility=Visibility.MEMBERS,
        party=thread.responsible_party or "",
        date=thread.created_at,
    )


def post_document(post: Post) -> None:
    """Posts are part of their thread's document, never documents of their own."""
    return None


register(Thread, thread_document)
register(Post, post_document, related=lambda post: [post.thread])
