"""Every state change of the discussion area has its one entry point here.

Threads, posts, official answers, responsibility, deadlines and satisfaction live in this
module; moderation acts are in deliberation.moderation and re-exported at the bottom. Each
function checks the actor's right through portal.community.permissions, runs in a
transaction, and does its audit record and notifications inside.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from deliberation import visibility
from deliberation.badges import badge_for, party_badge
from deliberation.choices import (
    DEFAULT_PARTY,
    OPEN_ISSUE_STATES,
    DeadlineKind,
    DeadlineStatus,
    EscalationLevel,
    IssueCategory,
    PostStatus,
    ThreadKind,
    ThreadState,
)
from deliberation.models import (
    MAX_DEPTH,
    Assignment,
    DeadlinePolicy,
    DeliberationSettings,
    Escalation,
    Follow,
    Post,
    PostRevision,
    Resolution,
    Satisfaction,
    SensitiveWord,
    Tag,
    Thread,
    UserBlock,
)
from deliberation.models.threads import RESOLUTION_NOTE_MAX, RESOLUTION_NOTE_MIN
from deliberation.oversight.choices import EvidenceKind
from deliberation.oversight.evidence import validate_evidence
from portal.community import audit, membership, permissions
from portal.community.choices import Party
from portal.community.models import Estate
from portal.home.visibility import may_view_live_page
from portal.notifications.api import notify
from search.api import reindex_now
from themes.sanitiser import clean_html, plain_text

if TYPE_CHECKING:
    from portal.accounts.types import User

AUTO_CLOSE_TASK = "deliberation.tasks.auto_close_thread"
TITLE_MAX = Thread._meta.get_field("title").max_length
BODY_MAX = 20_000
COMMENT_MAX = Satisfaction._meta.get_field("comment").max_length
REASON_MAX = Assignment._meta.get_field("reason").max_length
MAX_TAGS = 5
# --- helpers ------------------------------------------------------------------------------


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


def rate_limit() -> tuple[int, int]:
    """Return (posts, seconds): at most that many posts per member in that window."""
    posts, seconds = getattr(settings, "DELIBERATION_POST_RATE_LIMIT", (5, 600))
    return int(posts), int(seconds)


def active_block(estate: Estate, user: User, *, now: datetime | None = None) -> UserBlock | None:
    blocks = UserBlock.objects.active(now).filter(estate=estate, user=user)
    return blocks.order_by("-until").first()


def check_may_post(estate: Estate, user: User, *, now: datetime | None = None) -> None:
    """Refuse (PermissionDenied / ValidationError with a clear message) a post not allowed now."""
    if not permissions.may(user, "deliberate", estate):
        raise PermissionDenied(_("只有本小区成员和相关责任方可以发言。"))
    now = now or timezone.now()
    block = active_block(estate, user, now=now)
    if block is not None:
        until = timezone.localtime(block.until).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            _("您在本小区已被禁言至 %(until)s，原因：%(reason)s。如有异议请联系版主。")
            % {"until": until, "reason": block.reason}
        )
    limit, window = rate_limit()
    recent = Post.objects.filter(
        author=user, created_at__gt=now - timedelta(seconds=window)
    ).count()
    if recent >= limit:
        raise ValidationError(
            _("发言太频繁了：每 %(minutes)s 分钟最多发 %(limit)s 条，请稍后再试。")
            % {"minutes": max(1, window // 60), "limit": limit}
        )


def _clean_body(body: str) -> str:
    if len(body or "") > BODY_MAX:
        raise ValidationError({"body": _("内容过长（最多 %(n)s 字）。") % {"n": BODY_MAX}})
    cleaned = clean_html(body)
    if not plain_text(cleaned):
        raise ValidationError({"body": _("请填写内容。")})
    return cleaned


def hold_reason(estate: Estate, user: User, *texts: str) -> str:
    """Return why a post must wait for a moderator (sensitive word, pre-moderation), or ""."""
    if permissions.may(user, "moderate", estate):
        return ""
    haystack = " ".join(plain_text(t) if "<" in t else t for t in texts).lower()
    words = SensitiveWord.objects.filter(estate=estate).values_list("word", flat=True)
    if any(word and word in haystack for word in words):
        return _("内容含敏感词，待版主审核后显示")
    if DeliberationSettings.for_estate(estate).premoderation:
        return _("本小区实行先审后发，待版主审核后显示")
    return ""


def _create_post(
    thread: Thread,
    user: User,
    body_html: str,
    *,
    parent: Post | None,
    held: str,
    now: datetime,
    is_opening: bool = False,
) -> Post:
    post = Post.objects.create(
        thread=thread,
        author=user,
        author_badge=badge_for(user, thread.estate),
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        is_opening=is_opening,
        body=body_html,
        status=PostStatus.HELD if held else PostStatus.PUBLISHED,
        held_reason=held,
        created_at=now,
    )
    if not held:
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_post_at=now)
    Follow.objects.get_or_create(thread=thread, user=user)
    return post


def _resolve_tags(estate: Estate, names: Iterable[str]) -> list[Tag]:
    cleaned = []
    for name in names:
        name = (name or "").strip().lstrip("#")[:20]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("最多 %(n)s 个标签。") % {"n": MAX_TAGS}})
    return [Tag.objects.get_or_create(estate=estate, name=name)[0] for name in cleaned]


# --- threads and posts --------------------------------------------------------------------


@transaction.atomic
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
    now: datetime | None = None,
) -> Thread:
    """Open a topic, issue report or question with its first post; return the thread.

    An issue report gets its responsible party by category (DEFAULT_PARTY) and its two
    deadlines from the estate's DeadlinePolicy. A held opening post holds the whole thread.
    """
    now = now or timezone.now()
    check_may_post(estate, user, now=now)
    title = " ".join((title or "").split())
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
    body_html = _clean_body(body)
    held = hold_reason(estate, user, title, body_html)

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
    thread.tags.set(_resolve_tags(estate, tags))
    post = _create_post(thread, user, body_html, parent=None, held=held, now=now, is_opening=True)
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
    )
    if held:
        _notify_moderators_of_hold(post, actor=user)
    elif thread.is_issue:
        _notify_new_report(thread, actor=user)
    return thread


def _notify_new_report(thread: Thread, *, actor: User) -> None:
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


def _notify_moderators_of_hold(post: Post, *, actor: User) -> None:
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
    body_html = _clean_body(body)
    if official and not permissions.may(user, "answer_officially", estate):
        raise PermissionDenied(_("只有物业、业委会和社区、街道工作人员可以发布官方答复。"))
    held = "" if official else hold_reason(estate, user, body_html)
    post = _create_post(thread, user, body_html, parent=parent, held=held, now=now)
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
        _notify_moderators_of_hold(post, actor=user)
    elif official:
        post = mark_official(post, user, now=now)
    else:
        _notify_followers_of_post(post, actor=user)
    return post


def _notify_followers_of_post(post: Post, *, actor: User) -> None:
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
    body_html = _clean_body(body)
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
        _notify_moderators_of_hold(post, actor=user)
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


# --- official answers and responsibility ---------------------------------------------------


@transaction.atomic
def mark_official(post: Post, user: User, *, party: str = "", now: datetime | None = None) -> Post:
    """Mark a party member's post as the party's official answer (官方答复).

    The first official answer of the responsible party to an issue report is its first
    response: it sets first_response_at and moves the report from 待响应 to 处理中.
    """
    now = now or timezone.now()
    post = Post.objects.select_for_update().select_related("thread__estate").get(pk=post.pk)
    thread = Thread.objects.select_for_update().select_related("estate").get(pk=post.thread_id)
    estate = thread.estate
    if not permissions.may(user, "answer_officially", estate):
        raise PermissionDenied(_("只有物业、业委会和社区、街道工作人员可以发布官方答复。"))
    if not party:  # the responsible party if the user speaks for it, else their first
        mine = permissions.parties_of(user, estate)
        in_order = [p for p in Party.values if p in mine]
        party = thread.responsible_party if thread.responsible_party in mine else in_order[0]
    if not permissions.may(user, "speak_for", permissions.PartyTarget(estate, party)):
        raise PermissionDenied(_("您不能代表该方答复。"))
    if not permissions.may(post.author, "speak_for", permissions.PartyTarget(estate, party)):
        raise ValidationError(_("官方答复必须由该方的工作人员发布。"))
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的发言可以标为官方答复。"))
    if post.official_party:
        return post
    post.official_party = party
    post.official_marked_by = user
    post.official_at = now
    post.save(update_fields=["official_party", "official_marked_by", "official_at"])
    first_response = (
        thread.is_issue and party == thread.responsible_party and thread.first_response_at is None
    )
    if first_response:
        thread.first_response_at = now
        fields = ["first_response_at"]
        if thread.state == ThreadState.PENDING:
            thread.state = ThreadState.IN_PROGRESS
            fields.append("state")
        thread.save(update_fields=fields)
    audit.record(
        "deliberation.official_answer",
        actor=user,
        obj=post,
        estate=estate,
        thread_id=thread.pk,
        party=party,
        first_response=first_response,
        on_time=first_response and thread.response_status(now) == DeadlineStatus.ON_TIME,
    )
    recipients = set(follower_ids(thread, exclude=user)) | {thread.author_id}
    recipients.discard(user.pk)
    notify(
        recipients,
        category="deliberation",
        estate=estate,
        title=_("%(party)s 官方答复") % {"party": party_badge(party)},
        url=f"{thread_url(thread)}#post-{post.pk}",
        dedupe_key=f"deliberation:post:{post.pk}:official",
        actor=user,
        urgency="important",
        subject=post,
        quote_subject=True,
    )
    return post


def _lock_issue(thread: Thread) -> Thread:
    thread = Thread.objects.select_for_update().select_related("estate").get(pk=thread.pk)
    if not thread.is_issue:
        raise ValidationError(_("只有问题反映有责任方和处理状态。"))
    return thread


@transaction.atomic
def assign(
    thread: Thread, user: User, *, party: str, reason: str, now: datetime | None = None
) -> Assignment:
    """Hand an issue report to another responsible party, saying why (shown on the thread)."""
    now = now or timezone.now()
    thread = _lock_issue(thread)
    estate = thread.estate
    if not permissions.may(user, "assign_issue", thread):
        raise PermissionDenied(_("只有各责任方和版主可以改派。"))
    reason = " ".join((reason or "").split())
    if party not in Party.values:
        raise ValidationError({"party": _("请选择责任方。")})
    if not reason:
        raise ValidationError({"reason": _("请说明改派原因。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因最多 %(n)s 字。") % {"n": REASON_MAX}})
    if party == thread.responsible_party:
        raise ValidationError({"party": _("该问题已由这一方负责。")})
    if thread.state == ThreadState.CLOSED:
        raise ValidationError(_("已关闭的问题不能改派。"))
    previous = thread.responsible_party
    assignment = Assignment.objects.create(
        thread=thread, party=party, assigned_by=user, reason=reason, created_at=now
    )
    thread.responsible_party = party
    thread.save(update_fields=["responsible_party"])
    audit.record(
        "deliberation.reassigned",
        actor=user,
        obj=thread,
        estate=estate,
        previous=previous,
        party=party,
        reason=reason,
    )
    notify(
        membership.party_user_ids(estate, party),
        category="deliberation",
        estate=estate,
        title=_("问题改派给您方处理"),
        body=reason,
        url=thread_url(thread),
        dedupe_key=f"deliberation:thread:{thread.pk}:assignment:{assignment.pk}",
        actor=user,
        urgency="important",
        subject=thread,
    )
    return assignment


@transaction.atomic
def check_resolution(note: str, photo: Any = None) -> dict[str, list[str]]:
    """Return the problems with a resolution note and photo, keyed by field ({} if none)."""
    errors: dict[str, list[str]] = {}
    text = " ".join((note or "").split())
    if len(text) < RESOLUTION_NOTE_MIN:
        errors["note"] = [
            _("请说明做了什么（至少 %(n)d 个字），例如更换了哪个部件、在哪里、由谁处理。")
            % {"n": RESOLUTION_NOTE_MIN}
        ]
    elif len(note) > RESOLUTION_NOTE_MAX:
        errors["note"] = [_("处理说明不能超过 %(n)d 字。") % {"n": RESOLUTION_NOTE_MAX}]
    if photo:
        try:
            kind = validate_evidence(photo)
        except ValidationError as error:
            errors["photo"] = error.messages
        else:
            if kind != EvidenceKind.PHOTO:
                errors["photo"] = [_("现场照片只能是 JPG 或 PNG 图片。")]
    return errors


@transaction.atomic
def mark_resolved(
    thread: Thread,
    user: User,
    *,
    note: str,
    photo: Any = None,
    now: datetime | None = None,
) -> Thread:
    """The responsible party reports the issue solved, saying what it did (a note, a photo
    if it has one); the reporter confirms or it auto-closes.

    Refused (ValidationError keyed by field, nothing changed) without a note of what was
    done: "已解决" with nothing to show is what owners complained of.
    """
    now = now or timezone.now()
    thread = _lock_issue(thread)
    estate = thread.estate
    if not permissions.may(user, "resolve_issue", thread):
        raise PermissionDenied(_("只有责任方可以标记已解决。"))
    if thread.state not in OPEN_ISSUE_STATES:
        raise ValidationError(_("该问题当前状态不能标记为已解决。"))
    if errors := check_resolution(note, photo):
        raise ValidationError(errors)
    resolution = Resolution.objects.create(
        thread=thread,
        party=thread.responsible_party,
        reported_by=user,
        note=note.strip(),
        photo=photo or "",
        created_at=now,
    )
    thread.state = ThreadState.RESOLVED
    thread.resolved_at = now
    thread.save(update_fields=["state", "resolved_at"])
    hours = DeliberationSettings.for_estate(estate).auto_close_hours
    schedule_auto_close(thread, at=now + timedelta(hours=hours))
    audit.record(
        "deliberation.resolved",
        actor=user,
        obj=thread,
        estate=estate,
        party=thread.responsible_party,
        on_time=thread.closure_status(now) == DeadlineStatus.ON_TIME,
        resolution=resolution.pk,
        photo=bool(resolution.photo),
    )
    notify(
        [thread.author_id],
        category="deliberation",
        estate=estate,
        title=_("您反映的问题已处理"),
        body=_("处理说明：%(note)s。请确认是否解决并评价；%(hours)s 小时内未确认将自动关闭。")
        # The message ends the note with its own full stop.
        % {"note": Truncator(resolution.note).chars(80).rstrip("。.！!；;"), "hours": hours},
        url=thread_url(thread),
        dedupe_key=f"deliberation:thread:{thread.pk}:resolved:{int(now.timestamp())}",
        actor=user,
        subject=thread,
    )
    return thread


def schedule_auto_close(thread: Thread, *, at: datetime):
    """Create (or move) the one django-q2 schedule that closes this resolved report."""
    from django_q.models import Schedule

    schedule, _created = Schedule.objects.update_or_create(
        name=f"deliberation:thread:{thread.pk}:auto-close",
        defaults={
            "func": AUTO_CLOSE_TASK,
            "args": repr((thread.pk,)),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": at,
        },
    )
    return schedule


def _check_reporter(thread: Thread, user: User) -> None:
    if not permissions.may(user, "act_as_reporter", thread):
        raise PermissionDenied(_("只有反映人可以这样做。"))


@transaction.atomic
def confirm_resolution(thread: Thread, user: User, *, now: datetime | None = None) -> Thread:
    """The reporter confirms the fix: 已解决 → 已关闭."""
    now = now or timezone.now()
    thread = _lock_issue(thread)
    _check_reporter(thread, user)
    if thread.state != ThreadState.RESOLVED:
        raise ValidationError(_("只有已解决的问题可以确认关闭。"))
    thread.state = ThreadState.CLOSED
    thread.closed_at = now
    thread.closed_automatically = False
    thread.save(update_fields=["state", "closed_at", "closed_automatically"])
    audit.record("deliberation.closed", actor=user, obj=thread, estate=thread.estate)
    return thread


@transaction.atomic
def reopen(thread: Thread, user: User, *, reason: str = "", now: datetime | None = None) -> Thread:
    """The reporter says it is not fixed: back to 处理中 (from 已解决 or 已关闭)."""
    now = now or timezone.now()
    thread = _lock_issue(thread)
    _check_reporter(thread, user)
    if thread.state not in (ThreadState.RESOLVED, ThreadState.CLOSED):
        raise ValidationError(_("只有已解决或已关闭的问题可以重新打开。"))
    thread.state = ThreadState.IN_PROGRESS
    thread.resolved_at = None
    thread.closed_at = None
    thread.closed_automatically = False
    thread.save(update_fields=["state", "resolved_at", "closed_at", "closed_automatically"])
    from django_q.models import Schedule

    Schedule.objects.filter(name=f"deliberation:thread:{thread.pk}:auto-close").delete()
    reason = " ".join((reason or "").split())[:REASON_MAX]
    audit.record(
        "deliberation.reopened", actor=user, obj=thread, estate=thread.estate, reason=reason
    )
    notify(
        membership.party_user_ids(thread.estate, thread.responsible_party),
        category="deliberation",
        estate=thread.estate,
        title=_("问题被重新打开"),
        body=reason,
        url=thread_url(thread),
        dedupe_key=f"deliberation:thread:{thread.pk}:reopened:{int(now.timestamp())}",
        actor=user,
        urgency="important",
        subject=thread,
    )
    return thread


@transaction.atomic
def auto_close(thread_id: int, *, now: datetime | None = None) -> bool:
    """Close a resolved report the reporter has not confirmed in time; return whether it did."""
    now = now or timezone.now()
    thread = (
        Thread.objects.select_for_update().select_related("estate").filter(pk=thread_id).first()
    )
    if thread is None or thread.state != ThreadState.RESOLVED or thread.resolved_at is None:
        return False
    hours = DeliberationSettings.for_estate(thread.estate).auto_close_hours
    if now < thread.resolved_at + timedelta(hours=hours):
        return False
    thread.state = ThreadState.CLOSED
    thread.closed_at = now
    thread.closed_automatically = True
    thread.save(update_fields=["state", "closed_at", "closed_automatically"])
    audit.record(
        "deliberation.closed", actor=None, obj=thread, estate=thread.estate, automatically=True
    )
    return True


@transaction.atomic
def rate(
    thread: Thread, user: User, *, score: int, comment: str = "", now: datetime | None = None
) -> Satisfaction:
    """The reporter rates how the report was handled, 1–5, once it is resolved or closed."""
    thread = _lock_issue(thread)
    _check_reporter(thread, user)
    if thread.state not in (ThreadState.RESOLVED, ThreadState.CLOSED):
        raise ValidationError(_("问题解决后才能评价。"))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("请选择 1 到 5 分。")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("评价最多 %(n)s 字。") % {"n": COMMENT_MAX}})
    if Satisfaction.objects.filter(thread=thread).exists():
        raise ValidationError(_("您已经评价过了。"))
    try:
        with transaction.atomic():
            satisfaction = Satisfaction.objects.create(
                thread=thread,
                rater=user,
                score=score,
                comment=comment,
                party=thread.responsible_party,
                created_at=now or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已经评价过了。")) from exc
    audit.record(
        "deliberation.rated",
        actor=user,
        obj=thread,
        estate=thread.estate,
        score=score,
        party=thread.responsible_party,
    )
    return satisfaction


# --- deadlines and escalation --------------------------------------------------------------


def overdue_reports(now: datetime):
    """Return the reports overdue at `now` (the one definition: Thread.objects.overdue)."""
    return Thread.objects.overdue(now).select_related("estate__community")


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every overdue report one level at a time; return how many escalations were made.

    Level 1 (the committee) as soon as a deadline passes; level 2 (the community officials)
    once a further second_escalation_hours have passed. Each (report, deadline, level) is
    escalated once: the unique Escalation row and the notification's dedupe key make a
    retried or overlapping run a no-op.
    """
    now = now or timezone.now()
    made = 0
    settings_cache: dict[int, DeliberationSettings] = {}
    for thread in overdue_reports(now):
        estate = thread.estate
        if estate.pk not in settings_cache:
            settings_cache[estate.pk] = DeliberationSettings.for_estate(estate)
        further = timedelta(hours=settings_cache[estate.pk].second_escalation_hours)
        due: list[tuple[str, datetime]] = []
        if thread.response_status(now) == DeadlineStatus.MISSED:
            due.append((DeadlineKind.RESPONSE, thread.response_due_at))
        if thread.closure_status(now) == DeadlineStatus.MISSED:
            due.append((DeadlineKind.CLOSURE, thread.close_due_at))
        for deadline, due_at in due:
            levels = [EscalationLevel.COMMITTEE]
            if now > due_at + further:
                levels.append(EscalationLevel.COMMUNITY)
            for level in levels:
                made += _escalate(thread, deadline, level, now=now)
    return made


def _escalate(thread: Thread, deadline: str, level: int, *, now: datetime) -> int:
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                thread=thread, deadline=deadline, level=level, created_at=now
            )
            party = Party.COMMITTEE if level == EscalationLevel.COMMITTEE else Party.COMMUNITY
            recipients = membership.party_user_ids(thread.estate, party)
            audit.record(
                "deliberation.escalated",
                actor=None,
                obj=thread,
                estate=thread.estate,
                deadline=deadline,
                level=level,
                responsible_party=thread.responsible_party,
                recipient_count=len(recipients),
            )
            what = DeadlineKind(deadline).label
            notify(
                recipients,
                category="deliberation",
                estate=thread.estate,
                title=_("问题反映%(what)s逾期，请督办") % {"what": what},
                body=_("责任方：%(party)s。请督促处理。")
                % {"party": Party(thread.responsible_party).label},
                url=thread_url(thread),
                dedupe_key=f"deliberation:thread:{thread.pk}:escalation:{deadline}:{level}",
                urgency="urgent",
                subject=thread,
            )
    except IntegrityError:
        return 0  # escalated already (by an earlier or a concurrent run)
    return 1 if escalation else 0


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: escalate overdue reports and close resolved ones that are due."""
    now = now or timezone.now()
    escalated = escalate_overdue(now=now)
    closed = 0
    for thread_id in Thread.objects.filter(
        kind=ThreadKind.ISSUE, state=ThreadState.RESOLVED
    ).values_list("pk", flat=True):
        closed += auto_close(thread_id, now=now)
    return {"escalated": escalated, "closed": closed}


from deliberation.moderation import (  # noqa: E402  (re-exported: one place to look)
    appeal,
    block_user,
    decide_appeal,
    dismiss_reports,
    hide_post,
    lift_block,
    moderate_posts,
    report_post,
    restore_post,
)

__all__ = [
    "add_post",
    "appeal",
    "assign",
    "auto_close",
    "block_user",
    "confirm_resolution",
    "decide_appeal",
    "delete_post",
    "dismiss_reports",
    "edit_post",
    "escalate_overdue",
    "follow",
    "hide_post",
    "lift_block",
    "mark_official",
    "mark_resolved",
    "moderate_posts",
    "rate",
    "reopen",
    "report_post",
    "restore_post",
    "start_thread",
    "sweep",
    "unfollow",
]
