"""What the thread page shows one reader: the page of posts, the reader's marks on them,
the issue's record, and what the reader may do.

The view reads the request and renders; this module computes. Every "may" comes from
portal.community.permissions. A fixed number of queries whatever the thread's size: one
for the page of top-level posts, one for all their replies, a few for the reader's marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from deliberation.actions import active_block
from deliberation.models import (
    Appeal,
    Assignment,
    Follow,
    Post,
    PostReport,
    Resolution,
    Satisfaction,
    Thread,
)
from deliberation.photos import annotate_photos
from portal.community import permissions
from portal.home.visibility import may_view_live_page
from proposals import supports
from proposals.choices import SupportTarget

if TYPE_CHECKING:
    from portal.accounts.types import User

POSTS_PER_PAGE = 50


@dataclass(frozen=True)
class PostsPage:
    """One page of top-level posts the reader may see, each with its visible replies."""

    page_obj: Page
    top_level: list[Post]
    all_posts: list[Post]


def posts_page(thread: Thread, user: User, page_number: Any) -> PostsPage:
    """Return the page of top-level posts and their replies (two queries), listed for the
    reader: a post the reader may not list is left out, its replies with it."""
    top_level = (
        Post.objects.filter(thread=thread, depth=0)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    page_obj = Paginator(top_level, POSTS_PER_PAGE).get_page(page_number)
    for post in page_obj.object_list:
        post.thread = thread  # the rules below read the estate through it: no query
    tops = [p for p in page_obj.object_list if permissions.may(user, "list_post", p)]
    top_ids = [p.pk for p in tops]
    replies = (
        Post.objects.filter(Q(parent_id__in=top_ids) | Q(parent__parent_id__in=top_ids))
        .select_related("author")
        .order_by("created_at", "pk")
        if top_ids
        else []
    )
    children: dict[int, list[Post]] = {}
    all_posts = list(tops)
    for reply in replies:
        reply.thread = thread
        if permissions.may(user, "list_post", reply):
            children.setdefault(reply.parent_id, []).append(reply)
            all_posts.append(reply)
    for post in all_posts:
        post.children = children.get(post.pk, [])
    return PostsPage(page_obj, tops, all_posts)


def mark_for_reader(posts: list[Post], user: User) -> None:
    """Set on each post what this reader sees of it: reported by me, my appeal, whether the
    withheld original is readable, and the support count and button (proposals.supports)."""
    post_ids = [p.pk for p in posts]
    signed_in = user.is_authenticated and post_ids
    reported = (
        set(
            PostReport.objects.filter(reporter=user, post_id__in=post_ids).values_list(
                "post_id", flat=True
            )
        )
        if signed_in
        else set()
    )
    appeals = (
        {a.post_id: a for a in Appeal.objects.filter(post_id__in=post_ids, author=user)}
        if signed_in
        else {}
    )
    supports.annotate(
        SupportTarget.POST,
        posts,
        user,
        is_own=lambda post: not permissions.may(user, "support_item", post),
    )
    annotate_photos(posts, user)
    for post in posts:
        post.reported_by_me = post.pk in reported
        post.my_appeal = appeals.get(post.pk)
        post.readable_original = permissions.may(user, "read_withheld_post", post)


def reader_may(thread: Thread, user: User) -> dict[str, bool]:
    """Return the page's permission flags for this reader, each asked of permissions.may."""
    estate = thread.estate
    return {
        "may_post": permissions.may(user, "deliberate", estate),
        "may_support": permissions.may(user, "support_content", estate),
        "may_moderate": permissions.may(user, "moderate", estate),
        "may_answer": permissions.may(user, "answer_officially", estate),
        "is_reporter": permissions.may(user, "act_as_reporter", thread),
        "is_responsible": permissions.may(user, "resolve_issue", thread),
        "may_assign": permissions.may(user, "assign_issue", thread),
    }


def issue_record(thread: Thread) -> dict[str, Any]:
    """Return an issue report's assignments, resolutions and rating (nothing for a topic)."""
    if not thread.is_issue:
        return {"assignments": [], "resolutions": [], "satisfaction": None}
    return {
        "assignments": list(Assignment.objects.filter(thread=thread).select_related("assigned_by")),
        "satisfaction": Satisfaction.objects.filter(thread=thread).first(),
        "resolutions": list(Resolution.objects.filter(thread=thread).select_related("reported_by")),
    }


def thread_context(thread: Thread, user: User, *, page_number: Any = None) -> dict[str, Any]:
    """Return everything the thread page shows this reader (the view adds its forms)."""
    estate = thread.estate
    page = posts_page(thread, user, page_number)
    mark_for_reader(page.all_posts, user)
    return {
        "estate": estate,
        "thread": thread,
        "page_obj": page.page_obj,
        "posts": page.top_level,
        "tags": thread.shown_tags,
        # The page may have been unpublished or narrowed since; its title follows its rules.
        "attached_page": thread.page
        if thread.page_id and may_view_live_page(user, thread.page)
        else None,
        **issue_record(thread),
        "is_following": Follow.objects.filter(thread=thread, user=user).exists(),
        **reader_may(thread, user),
        "now": timezone.now(),
        "my_block": active_block(estate, user) if user.is_authenticated else None,
    }
