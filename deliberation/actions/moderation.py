"""Moderation of posts: reports, hiding (by reports or a moderator), restoring, dismissing
reports, and the queue's bulk acts. Every act is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions.common import (
    after_status_change,
    lock_post,
    moderator_user_ids,
    notify_followers_of_post,
    notify_new_report,
    one_line,
    require_moderator,
    thread_url,
)
from deliberation.choices import PostStatus, ReportReason, ReportStatus
from deliberation.models import DeliberationSettings, Post, PostReport, Thread
from portal.community import audit, moderation_seen, permissions
from portal.notifications.api import notify

if TYPE_CHECKING:
    from portal.accounts.types import User

DETAIL_MAX = PostReport._meta.get_field("detail").max_length
NOTE_MAX = Post._meta.get_field("hidden_note").max_length
BULK_ACTIONS = ("hide", "restore", "dismiss")


# A post may be a copy of content another app moderates (a proposal's discussion opens with a
# post quoting the proposal): while that content is hidden, the copy must not come back on
# its own. The app registers a guard from its ready(): guard(post) says why, or "".
CopyGuard = Callable[[Post], str]
_copy_guards: list[CopyGuard] = []


def register_copy_guard(guard: CopyGuard) -> None:
    """Let `guard(post)` keep a post hidden while the content it copies is hidden."""
    _copy_guards.append(guard)


def kept_hidden_by_source(post: Post) -> str:
    """Return why the post may not be shown again on its own (its source is hidden), or ""."""
    for guard in _copy_guards:
        reason = guard(post)
        if reason:
            return reason
    return ""


def _set_visible_count(post: Post, delta: int) -> None:
    Thread.objects.filter(pk=post.thread_id).update(post_count=F("post_count") + delta)


@transaction.atomic
def report_post(
    post: Post, user: User, *, reason: str, detail: str = "", now: datetime | None = None
) -> PostReport:
    """Report a post once; at the estate's threshold of distinct reporters it is hidden for review."""
    now = now or timezone.now()
    post = lock_post(post)
    estate = post.thread.estate
    if not permissions.may(user, "deliberate", estate):
        raise PermissionDenied(_("只有本小区成员可以举报。"))
    if not permissions.may(user, "report_post", post):  # a member, so: their own post
        raise ValidationError(_("不能举报自己的发言。"))
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择举报原因。")})
    if post.status not in (PostStatus.PUBLISHED, PostStatus.HIDDEN):
        raise ValidationError(_("该发言已不在显示中。"))
    detail = one_line(detail, DETAIL_MAX, "detail", _("补充说明"))
    if PostReport.objects.filter(post=post, reporter=user).exists():
        raise ValidationError(_("您已经举报过这条发言，版主会尽快处理。"))
    try:
        with transaction.atomic():
            report = PostReport.objects.create(
                post=post, reporter=user, reason=reason, detail=detail, created_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已经举报过这条发言，版主会尽快处理。")) from exc
    reporters = PostReport.objects.filter(post=post, status=ReportStatus.OPEN).count()
    post.report_count = PostReport.objects.filter(post=post).count()
    fields = ["report_count"]
    threshold = DeliberationSettings.for_estate(estate).hide_threshold
    auto_hidden = post.status == PostStatus.PUBLISHED and reporters >= threshold
    if auto_hidden:
        reasons = Counter(
            PostReport.objects.filter(post=post, status=ReportStatus.OPEN).values_list(
                "reason", flat=True
            )
        )
        post.status = PostStatus.HIDDEN
        post.hidden_reason = reasons.most_common(1)[0][0]
        post.hidden_note = _("%(n)s 位成员举报，已自动隐藏，等待版主复核") % {"n": reporters}
        post.hidden_by = None
        post.hidden_at = now
        post.review_pending = True
        fields += ["status", "hidden_reason", "hidden_note", "hidden_by", "hidden_at"]
        fields += ["review_pending"]
        _set_visible_count(post, -1)
    post.save(update_fields=fields)
    if auto_hidden:
        after_status_change(post)
    audit.record(
        "deliberation.post_reported",
        actor=user,
        obj=post,
        estate=estate,
        reason=reason,
        reporters=reporters,
        auto_hidden=auto_hidden,
    )
    if auto_hidden:
        audit.record(
            "deliberation.post_auto_hidden",
            actor=None,
            obj=post,
            estate=estate,
            reporters=reporters,
            reason=post.hidden_reason,
        )
        _notify_author_of_hiding(post)
        notify(
            moderator_user_ids(estate),
            category="deliberation",
            estate=estate,
            title=_("有发言被举报后自动隐藏，请复核"),
            url=reverse("deliberation:moderation_queue", args=[estate.slug]),
            dedupe_key=f"deliberation:post:{post.pk}:auto-hidden",
            urgency="important",
            subject=post,
        )
    return report


def hiding_key(post: Post) -> str:
    """Return the dedupe key of the author's notice for the post's current hiding.

    One hiding is one act, from the moment the post stops showing until it is restored:
    a moderator confirming an automatic hiding, or changing its reason, continues it
    (hidden_at is kept), so the author is told once. Hidden again after a restore is a new
    act, with a new key.
    """
    return f"deliberation:post:{post.pk}:hidden:{int(post.hidden_at.timestamp())}"


def _notify_author_of_hiding(post: Post, *, actor: User | None = None) -> None:
    # The reason is not copied: the inbox shows the post's tombstone as it stands, so a
    # reason changed on review, or a restore, reads correctly in the notice already sent.
    thread = post.thread
    notify(
        [post.author_id],
        category="deliberation",
        estate=thread.estate,
        title=_("您的发言已被隐藏"),
        body=_("如有异议，可在议题页面对该发言申诉一次。"),
        url=f"{thread_url(thread)}#post-{post.pk}",
        dedupe_key=hiding_key(post),
        actor=actor,
        subject=post,
    )


@transaction.atomic
def hide_post(
    post: Post, moderator: User, *, reason: str, note: str = "", now: datetime | None = None
) -> Post:
    """Hide a post (or confirm an automatic hiding): a tombstone with the reason stays."""
    now = now or timezone.now()
    post = lock_post(post)
    estate = post.thread.estate
    require_moderator(moderator, estate)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择隐藏原因。")})
    note = one_line(note, NOTE_MAX, "note", _("说明"))
    if post.status == PostStatus.DELETED:
        raise ValidationError(_("该发言已被作者删除。"))
    was_visible = post.status == PostStatus.PUBLISHED
    # Confirming or re-hiding a post already hidden continues the same hiding (hiding_key).
    continuing = post.status == PostStatus.HIDDEN and post.hidden_at is not None
    post.status = PostStatus.HIDDEN
    post.hidden_reason = reason
    post.hidden_note = note
    post.hidden_by = moderator
    if not continuing:
        post.hidden_at = now
    post.review_pending = False
    post.save(
        update_fields=[
            "status",
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "review_pending",
        ]
    )
    if was_visible:
        _set_visible_count(post, -1)
    after_status_change(post)
    PostReport.objects.filter(post=post, status=ReportStatus.OPEN).update(
        status=ReportStatus.UPHELD
    )
    audit.record(
        "deliberation.post_hidden",
        actor=moderator,
        obj=post,
        estate=estate,
        reason=reason,
        continued=continuing,
    )
    _notify_author_of_hiding(post, actor=moderator)
    return post


@transaction.atomic
def withhold_copy(post: Post, *, reason: str, note: str, actor: User | None, now: datetime) -> bool:
    """Hide a post because content it copies was hidden in another app; return if it was.

    A proposal's discussion opens with a post quoting the proposal's title (and the thread's
    title copies it), so hiding the proposal must hide that copy too. The caller's own
    action has checked its right (proposals.moderation: a moderator, or the reports
    threshold) and tells the author once; this only carries the state over. A post already
    hidden, held or deleted is left as it is. Restoring goes through restore_post.
    """
    post = lock_post(post)
    if post.status != PostStatus.PUBLISHED:
        return False
    post.status = PostStatus.HIDDEN
    post.hidden_reason = reason
    post.hidden_note = one_line(note, NOTE_MAX, "note", _("说明"))
    post.hidden_by = actor
    post.hidden_at = now
    post.review_pending = False
    post.save(
        update_fields=[
            "status",
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "review_pending",
        ]
    )
    _set_visible_count(post, -1)
    after_status_change(post)
    audit.record(
        "deliberation.post_hidden",
        actor=actor,
        obj=post,
        estate=post.thread.estate,
        reason=reason,
        copy_of_hidden_content=True,
    )
    return True


@transaction.atomic
def restore_post(
    post: Post, moderator: User, *, seen: str | None, now: datetime | None = None
) -> Post:
    """Show a hidden or held post again (approving a held post publishes it).

    `seen` is the fingerprint of the words the moderator was shown (Post.seen_fingerprint):
    if the author has edited the post since, nothing changes and the moderator is asked to
    read it again (portal.community.moderation_seen).
    """
    post = lock_post(post)
    estate = post.thread.estate
    require_moderator(moderator, estate)
    if post.status not in (PostStatus.HIDDEN, PostStatus.HELD):
        raise ValidationError(_("该发言未被隐藏，无需恢复。"))
    moderation_seen.refuse_unless_seen(moderation_seen.of_post(post), seen)
    kept = kept_hidden_by_source(post)
    if kept:
        raise ValidationError(kept)
    was_held = post.status == PostStatus.HELD
    post.status = PostStatus.PUBLISHED
    post.held_reason = ""
    post.hidden_reason = ""
    post.hidden_note = ""
    post.hidden_by = None
    post.hidden_at = None
    post.review_pending = False
    post.save(
        update_fields=[
            "status",
            "held_reason",
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "review_pending",
        ]
    )
    _set_visible_count(post, +1)
    PostReport.objects.filter(post=post, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED
    )
    thread = post.thread
    if post.is_opening and thread.is_held:
        thread.is_held = False
        thread.save(update_fields=["is_held"])
    after_status_change(post)
    audit.record(
        "deliberation.post_approved" if was_held else "deliberation.post_restored",
        actor=moderator,
        obj=post,
        estate=estate,
    )
    if was_held:
        if post.is_opening and thread.is_issue:
            notify_new_report(thread, actor=moderator)
        else:
            notify_followers_of_post(post, actor=moderator)
    return post


@transaction.atomic
def dismiss_reports(post: Post, moderator: User, *, seen: str | None) -> int:
    """Reject the open reports of a post (and show it again if they had hidden it).

    Showing it again publishes its words, so `seen` names the version read (restore_post).
    """
    post = lock_post(post)
    estate = post.thread.estate
    require_moderator(moderator, estate)
    dismissed = PostReport.objects.filter(post=post, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED
    )
    audit.record(
        "deliberation.reports_dismissed", actor=moderator, obj=post, estate=estate, count=dismissed
    )
    if post.status == PostStatus.HIDDEN and post.review_pending and not kept_hidden_by_source(post):
        restore_post(post, moderator, seen=seen)
    return dismissed


def moderate_posts(
    posts: Iterable[Post],
    moderator: User,
    *,
    action: str,
    seen: Mapping[int, str],
    reason: str = "",
    note: str = "",
) -> int:
    """Apply one queue action to many posts, each in its own transaction; return how many.

    `seen` maps each post's pk to the fingerprint of the words the queue showed. A post whose
    author edited it since is left as it is and the others are done; then the refusal names
    how many were left, so the moderator reads them again.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError(_("未知的操作。"))
    done = changed = 0
    for post in posts:
        if action == "hide":
            hide_post(post, moderator, reason=reason or post.hidden_reason, note=note)
        elif action == "restore":
            if post.status not in (PostStatus.HIDDEN, PostStatus.HELD):
                continue
            if kept_hidden_by_source(post):  # restored with its source, not on its own
                continue
            if not _approved(lambda p=post: restore_post(p, moderator, seen=seen.get(p.pk))):
                changed += 1
                continue
        elif not _approved(lambda p=post: dismiss_reports(p, moderator, seen=seen.get(p.pk))):
            changed += 1
            continue
        done += 1
    if changed:
        raise ValidationError(
            _("已处理 %(done)s 条；%(changed)s 条内容在您审阅后已被作者修改，请重新审阅后再批准。")
            % {"done": done, "changed": changed}
        )
    return done


def _approved(act: Callable[[], object]) -> bool:
    """Run an approving act; return False if it was refused for words changed since seen."""
    try:
        act()
    except moderation_seen.ChangedSinceSeen:
        return False
    return True
