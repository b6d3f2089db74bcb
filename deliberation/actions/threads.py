"""Threads and posts: starting a thread, replying, editing and withdrawing one's post, following."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions.answers import mark_official
from deliberation.actions.common import (
    after_status_change,
    notify_followers_of_post,
    notify_moderators_of_hold,
    notify_new_report,
)
from deliberation.actions.posting import (
    active_block,
    check_may_post,
    clean_body,
    create_post,
    hold_reason,
    resolve_tags,
)
from deliberation.choices import DEFAULT_PARTY, IssueCategory, PostStatus, ThreadKind, ThreadState
from deliberation.models import (
    MAX_DEPTH,
    Assignment,
    DeadlinePolicy,
    Follow,
    Post,
    PostRevision,
    Thread,
)
from deliberation.photos import attach_photos, clean_report_photos
from portal.community import audit, permissions
from portal.community.models import Estate
from portal.home.visibility import may_view_live_page

if TYPE_CHECKING:
    from portal.accounts.types import User

TITLE_MAX = Thread._meta.get_field("title").max_length


def may_attach_page(user: User, estate: Estate, page: Any) -> bool:
    """Return whether a thread of this estate by this user may name the page.

    The thread shows the page's title to every member, and the new-thread form prints it:
    only a live page of the same estate that the poster may open qualifies.
    """
    page = page.specific
    return getattr(page, "page_estate", None) == estate and may_view_live_page(user, page)


def attach_refused_message() -> str:
    """Return the one answer for a missing, draft, hidden or other estate's page alike."""
    return _("只能关联本小区已发布、您有权查看的页面。")


def _check_new_thread(
    estate: Estate, user: User, *, kind: str, title: str, category: str, page: Any
) -> None:
    """Refuse (ValidationError keyed by field) a thread without a kind, a title or its category."""
    errors = {}
    if kind not in ThreadKind.values:
        errors["kind"] = _("请选择类型。")
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题最多 %(n)s 字。") % {"n": TITLE_MAX}
    if kind == ThreadKind.ISSUE and category not in IssueCategory.values:
        errors["category"] = _("问题反映请选择类别（报修、投诉或建议）。")
    if page is not None and not may_attach_page(user, estate, page):
        errors["page"] = attach_refused_message()
    if errors:
        raise ValidationError(errors)


def start_thread(
    estate: Estate,
    user: User,
    *,
    kind: str,
    title: str,
    body: str,
    category: str = "",
    page: Any = None,
    tags: Iterable[str] = (),
    photos: Sequence[Any] = (),
    screen: Sequence[str] = (),
    now: datetime | None = None,
) -> Thread:
    """Open a topic, issue report or question with its first post; return the thread.

    `screen`: more text the opening post stands for (a proposal's body, which its opening
    only links to), screened with it for sensitive words.

    An issue report gets its responsible party by category (DEFAULT_PARTY) and its two
    deadlines from the estate's DeadlinePolicy, and may carry photos (uploads or CleanPhoto,
    deliberation.photos). A held opening post holds the whole thread. All or nothing: a
    refused photo leaves no thread, post or file behind.
    """
    now = now or timezone.now()
    check_may_post(estate, user, now=now)
    title = " ".join((title or "").split())
    _check_new_thread(estate, user, kind=kind, title=title, category=category, page=page)
    body_html = clean_body(body)
    cleaned_photos = clean_report_photos(kind, photos)
    tags = list(tags)
    # Tags are shown with the title: a sensitive word in one holds the thread like the title.
    held = hold_reason(estate, user, title, body_html, *tags, *screen)

    thread = Thread(
        estate=estate,
        kind=kind,
        category=category if kind == ThreadKind.ISSUE else "",
        title=title,
        author=user,
        page=page,
        is_held=bool(held),
        title_withheld=bool(held),
        created_at=now,
        last_post_at=now,
        state=ThreadState.PENDING if kind == ThreadKind.ISSUE else ThreadState.OPEN,
    )
    if kind == ThreadKind.ISSUE:
        deadlines = DeadlinePolicy.for_report(estate, category)
        thread.responsible_party = DEFAULT_PARTY[category]
        thread.response_due_at = now + timedelta(hours=deadlines.response_hours)
        thread.close_due_at = now + timedelta(hours=deadlines.close_hours)
    thread.save()
    thread.tags.set(resolve_tags(estate, tags))
    post = create_post(thread, user, body_html, parent=None, held=held, now=now, is_opening=True)
    attach_photos(post, cleaned_photos)
    if thread.is_issue:
        Assignment.objects.create(
            thread=thread,
            party=thread.responsible_party,
            assigned_by=None,
            reason=_("按问题类别自动指派"),
            created_at=now,
        )
    audit.record(
        "deliberation.thread_started",
        actor=user,
        obj=thread,
        estate=estate,
        kind=kind,
        category=thread.category,
        responsible_party=thread.responsible_party,
        held=bool(held),
        photos=len(cleaned_photos),
    )
    if held:
        notify_moderators_of_hold(post, actor=user)
    elif thread.is_issue:
        notify_new_report(thread, actor=user)
    return thread


@transaction.atomic
def add_post(
    thread: Thread,
    user: User,
    *,
    body: str,
    parent: Post | None = None,
    official: bool = False,
    now: datetime | None = None,
) -> Post:
    """Reply in a thread (or to a post, two levels deep at most); return the post.

    A reply to a reply to a reply joins its parent's level instead of nesting deeper.
    With official=True the post is marked as its author's party's official answer.
    """
    now = now or timezone.now()
    estate = thread.estate
    check_may_post(estate, user, now=now)
    if thread.is_held and not permissions.may(user, "moderate", estate):
        raise ValidationError(_("该议题正在审核中，暂不能回复。"))
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError(_("回复的发言不在本议题中。"))
        if parent.depth >= MAX_DEPTH:
            parent = parent.parent
    body_html = clean_body(body)
    if official and not permissions.may(user, "answer_officially", estate):
        raise PermissionDenied(_("只有物业、业委会和社区、街道工作人员可以发布官方答复。"))
    held = "" if official else hold_reason(estate, user, body_html)
    post = create_post(thread, user, body_html, parent=parent, held=held, now=now)
    post.thread = thread
    audit.record(
        "deliberation.posted",
        actor=user,
        obj=post,
        estate=estate,
        thread_id=thread.pk,
        depth=post.depth,
        held=bool(held),
    )
    if held:
        notify_moderators_of_hold(post, actor=user)
    elif official:
        post = mark_official(post, user, now=now)
    else:
        notify_followers_of_post(post, actor=user)
    return post


def _post_editable_by(post: Post, user: User) -> None:
    if not permissions.may(user, "edit_post", post):
        raise PermissionDenied(_("只能修改或删除自己的发言。"))
    if post.status in (PostStatus.DELETED, PostStatus.HIDDEN):
        raise ValidationError(_("该发言已删除或被隐藏，不能修改。"))


@transaction.atomic
def edit_post(post: Post, user: User, *, body: str, now: datetime | None = None) -> Post:
    """Replace the author's post body, keeping the earlier text as a PostRevision."""
    now = now or timezone.now()
    post = Post.objects.select_for_update().select_related("thread__estate").get(pk=post.pk)
    _post_editable_by(post, user)
    estate = post.thread.estate
    if active_block(estate, user) is not None:
        check_may_post(estate, user, now=now)
    body_html = clean_body(body)
    if body_html == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=user, created_at=now)
    post.body = body_html
    post.edited_at = now
    fields = ["body", "edited_at"]
    held = hold_reason(estate, user, body_html)
    if held and post.status == PostStatus.PUBLISHED:
        # An edit may not smuggle in what the first version could not publish.
        post.status = PostStatus.HELD
        post.held_reason = held
        fields += ["status", "held_reason"]
        Thread.objects.filter(pk=post.thread_id).update(post_count=F("post_count") - 1)
    post.save(update_fields=fields)
    after_status_change(post)
    audit.record(
        "deliberation.post_edited",
        actor=user,
        obj=post,
        estate=estate,
        revision_count=post.revisions.count(),
        held=bool(held),
    )
    if held:
        notify_moderators_of_hold(post, actor=user)
    return post


@transaction.atomic
def delete_post(post: Post, user: User, *, now: datetime | None = None) -> Post:
    """Withdraw the author's post: a tombstone stays in its place, the text is kept for review."""
    post = Post.objects.select_for_update().select_related("thread__estate").get(pk=post.pk)
    if not permissions.may(user, "delete_post", post):
        raise PermissionDenied(_("只能删除自己的发言。"))
    if post.status == PostStatus.DELETED:
        return post
    was_visible = post.status == PostStatus.PUBLISHED
    post.status = PostStatus.DELETED
    post.deleted_at = now or timezone.now()
    post.save(update_fields=["status", "deleted_at"])
    if was_visible:
        Thread.objects.filter(pk=post.thread_id).update(post_count=F("post_count") - 1)
    after_status_change(post)
    audit.record("deliberation.post_deleted", actor=user, obj=post, estate=post.thread.estate)
    return post


def follow(thread: Thread, user: User) -> None:
    """Have the user notified of new posts and official answers in the thread."""
    if not permissions.may(user, "view_members", thread.estate):
        raise PermissionDenied
    Follow.objects.get_or_create(thread=thread, user=user)


def unfollow(thread: Thread, user: User) -> None:
    Follow.objects.filter(thread=thread, user=user).delete()
