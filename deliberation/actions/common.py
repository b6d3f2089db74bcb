"""Helpers every part of the discussion actions shares: links, recipients, locks, and
the notifications more than one act sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import visibility
from deliberation.models import Assignment, Follow, Post, Thread
from portal.community import membership, permissions
from portal.community.models import Estate
from portal.notifications.api import notify
from search.api import reindex_now

if TYPE_CHECKING:
    from portal.accounts.types import User

REASON_MAX = Assignment._meta.get_field("reason").max_length


def thread_url(thread: Thread) -> str:
    return reverse("deliberation:thread_detail", args=[thread.estate.slug, thread.pk])


def moderator_user_ids(estate: Estate) -> list[int]:
    return membership.estate_user_ids(estate, permissions.MODERATOR_KINDS)


def follower_ids(thread: Thread, *, exclude: User | None = None) -> list[int]:
    followers = Follow.objects.filter(thread=thread)
    if exclude is not None:
        followers = followers.exclude(user_id=exclude.pk)
    return list(followers.values_list("user_id", flat=True))


def after_status_change(post: Post) -> None:
    """Carry a post's new status to every copy of it, inside the acting transaction.

    The thread's title follows its opening post (Thread.title_withheld), and the thread's
    search row is rewritten now, so hidden words leave the results with the hiding itself.
    Inbox items, emails, digests and SMS need nothing here: they read the post's state
    whenever they are shown or sent.
    """
    if post.is_opening:
        withheld = visibility.title_withheld_by(post)
        Thread.objects.filter(pk=post.thread_id).update(title_withheld=withheld)
        post.thread.title_withheld = withheld
    reindex_now(Thread.objects.get(pk=post.thread_id))


def lock_issue(thread: Thread) -> Thread:
    thread = Thread.objects.select_for_update().select_related("estate").get(pk=thread.pk)
    if not thread.is_issue:
        raise ValidationError(_("只有问题反映有责任方和处理状态。"))
    return thread


def lock_post(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("thread__estate").get(pk=post.pk)


def require_moderator(user: User, estate: Estate) -> None:
    if not permissions.may(user, "moderate", estate):
        raise PermissionDenied(_("只有本小区的版主可以处理。"))


def one_line(text: str, limit: int, field: str, label: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("%(label)s最多 %(n)s 字。") % {"label": label, "n": limit}})
    return text


def notify_new_report(thread: Thread, *, actor: User) -> None:
    notify(
        membership.party_user_ids(thread.estate, thread.responsible_party),
        category="deliberation",
        estate=thread.estate,
        title=_("新的问题反映"),
        body=_("请在 %(due)s 前首次响应。")
        % {"due": timezone.localtime(thread.response_due_at).strftime("%m-%d %H:%M")},
        url=thread_url(thread),
        dedupe_key=f"deliberation:thread:{thread.pk}:assigned:{thread.responsible_party}",
        actor=actor,
        urgency="important",
        subject=thread,
    )


def notify_moderators_of_hold(post: Post, *, actor: User) -> None:
    estate = post.thread.estate
    notify(
        moderator_user_ids(estate),
        category="deliberation",
        estate=estate,
        title=_("有发言待审核"),
        body=post.held_reason,
        url=reverse("deliberation:moderation_queue", args=[estate.slug]),
        dedupe_key=f"deliberation:post:{post.pk}:held",
        actor=actor,
        subject=post,
    )


def notify_followers_of_post(post: Post, *, actor: User) -> None:
    thread = post.thread
    notify(
        follower_ids(thread, exclude=post.author),
        category="deliberation",
        estate=thread.estate,
        title=_("有新回复"),
        url=f"{thread_url(thread)}#post-{post.pk}",
        dedupe_key=f"deliberation:post:{post.pk}:new",
        actor=actor,
        subject=post,
        quote_subject=True,
    )
