"""An issue report's end: the party reports it solved with what it did, the reporter
confirms, reopens or rates it, or it closes by itself after the estate's hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_q.models import Schedule

from deliberation.actions.common import REASON_MAX, lock_issue, thread_url
from deliberation.choices import OPEN_ISSUE_STATES, DeadlineStatus, ThreadState
from deliberation.models import DeliberationSettings, Resolution, Satisfaction, Thread
from deliberation.models.threads import RESOLUTION_NOTE_MAX, RESOLUTION_NOTE_MIN
from deliberation.oversight.choices import EvidenceKind
from deliberation.oversight.evidence import validate_evidence
from portal.community import audit, membership, permissions
from portal.community.photos import cleaned_file
from portal.notifications.api import notify

if TYPE_CHECKING:
    from portal.accounts.types import User

AUTO_CLOSE_TASK = "deliberation.tasks.auto_close_thread"
COMMENT_MAX = Satisfaction._meta.get_field("comment").max_length


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
    thread = lock_issue(thread)
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
        photo=cleaned_file(photo) if photo else "",  # as shown: no EXIF position
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
    thread = lock_issue(thread)
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
    thread = lock_issue(thread)
    _check_reporter(thread, user)
    if thread.state not in (ThreadState.RESOLVED, ThreadState.CLOSED):
        raise ValidationError(_("只有已解决或已关闭的问题可以重新打开。"))
    thread.state = ThreadState.IN_PROGRESS
    thread.resolved_at = None
    thread.closed_at = None
    thread.closed_automatically = False
    thread.save(update_fields=["state", "resolved_at", "closed_at", "closed_automatically"])
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
    thread = lock_issue(thread)
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
