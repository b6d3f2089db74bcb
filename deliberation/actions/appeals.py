"""Appeals against a hiding (decided by another moderator) and blocks on posting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions.common import (
    lock_post,
    moderator_user_ids,
    one_line,
    require_moderator,
    thread_url,
)
from deliberation.actions.moderation import NOTE_MAX, kept_hidden_by_source, restore_post
from deliberation.choices import AppealStatus, PostStatus
from deliberation.models import Appeal, Post, UserBlock
from portal.community import audit, moderation_seen, permissions
from portal.community.models import Estate
from portal.notifications.api import notify

if TYPE_CHECKING:
    from portal.accounts.types import User

APPEAL_MAX = Appeal._meta.get_field("text").max_length
BLOCK_REASON_MAX = UserBlock._meta.get_field("reason").max_length
MAX_BLOCK_DAYS = 365


@transaction.atomic
def appeal(post: Post, user: User, *, text: str, now: datetime | None = None) -> Appeal:
    """The author appeals once against a hidden post; another moderator decides."""
    post = lock_post(post)
    estate = post.thread.estate
    if not permissions.may(user, "appeal_post", post):
        raise PermissionDenied(_("只有发言人可以申诉。"))
    if post.status != PostStatus.HIDDEN:
        raise ValidationError(_("只有被隐藏的发言可以申诉。"))
    kept = kept_hidden_by_source(post)
    if kept:  # the hiding to appeal against is the source's, on its own page
        raise ValidationError(kept)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请写明申诉理由。")})
    if len(text) > APPEAL_MAX:
        raise ValidationError({"text": _("申诉理由最多 %(n)s 字。") % {"n": APPEAL_MAX}})
    if Appeal.objects.filter(post=post).exists():
        raise ValidationError(_("每条发言只能申诉一次。"))
    try:
        with transaction.atomic():
            made = Appeal.objects.create(
                post=post,
                author=user,
                text=text,
                hidden_by=post.hidden_by,
                created_at=now or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("每条发言只能申诉一次。")) from exc
    audit.record("deliberation.appealed", actor=user, obj=post, estate=estate)
    recipients = [pk for pk in moderator_user_ids(estate) if pk not in (post.hidden_by_id, user.pk)]
    notify(
        recipients,
        category="deliberation",
        estate=estate,
        title=_("有新的申诉待复核"),
        url=reverse("deliberation:moderation_queue", args=[estate.slug]),
        dedupe_key=f"deliberation:appeal:{made.pk}:filed",
        actor=user,
        subject=post,
    )
    return made


@transaction.atomic
def decide_appeal(
    appeal_obj: Appeal,
    moderator: User,
    *,
    uphold: bool,
    note: str = "",
    now: datetime | None = None,
) -> Appeal:
    """Decide an appeal: a moderator other than the one who hid the post (and not its author)."""
    appeal_obj = (
        Appeal.objects.select_for_update()
        .select_related("post__thread__estate")
        .get(pk=appeal_obj.pk)
    )
    post = appeal_obj.post
    estate = post.thread.estate
    require_moderator(moderator, estate)
    if not permissions.may(moderator, "decide_appeal", appeal_obj):
        raise PermissionDenied(_("申诉须由另一位版主复核，隐藏该发言的版主不能复核。"))
    if appeal_obj.status != AppealStatus.PENDING:
        raise ValidationError(_("该申诉已处理。"))
    note = one_line(note, NOTE_MAX, "note", _("复核意见"))
    appeal_obj.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal_obj.decided_by = moderator
    appeal_obj.decided_at = now or timezone.now()
    appeal_obj.decision_note = note
    appeal_obj.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if uphold and post.status == PostStatus.HIDDEN:
        # A hidden post cannot be edited (threads._post_editable_by): the words under lock
        # are the ones the appeal was read with.
        restore_post(post, moderator, seen=moderation_seen.of_post(post))
    audit.record(
        "deliberation.appeal_decided",
        actor=moderator,
        obj=post,
        estate=estate,
        appeal_id=appeal_obj.pk,
        upheld=uphold,
    )
    notify(
        [appeal_obj.author_id],
        category="deliberation",
        estate=estate,
        title=_("您的申诉已处理：%(result)s") % {"result": appeal_obj.get_status_display()},
        body=note,
        url=f"{thread_url(post.thread)}#post-{post.pk}",
        dedupe_key=f"deliberation:appeal:{appeal_obj.pk}:decided",
        actor=moderator,
        subject=post,
    )
    return appeal_obj


@transaction.atomic
def block_user(
    estate: Estate,
    moderator: User,
    user: User,
    *,
    days: int,
    reason: str,
    now: datetime | None = None,
) -> UserBlock:
    """Stop a member posting in the estate for a number of days, for a stated reason."""
    now = now or timezone.now()
    require_moderator(moderator, estate)
    if user.pk == moderator.pk:
        raise ValidationError(_("不能禁言自己。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_BLOCK_DAYS:
        raise ValidationError(
            {"days": _("禁言天数须在 1 到 %(n)s 天之间。") % {"n": MAX_BLOCK_DAYS}}
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("请写明禁言原因。")})
    if len(reason) > BLOCK_REASON_MAX:
        raise ValidationError({"reason": _("原因最多 %(n)s 字。") % {"n": BLOCK_REASON_MAX}})
    block = UserBlock.objects.create(
        estate=estate,
        user=user,
        until=now + timedelta(days=days),
        reason=reason,
        created_by=moderator,
        created_at=now,
    )
    audit.record(
        "deliberation.user_blocked",
        actor=moderator,
        obj=block,
        estate=estate,
        user_id=user.pk,
        days=days,
        reason=reason,
    )
    notify(
        [user.pk],
        category="deliberation",
        estate=estate,
        title=_("您在%(estate)s议事区被禁言 %(days)s 天") % {"estate": estate.name, "days": days},
        body=_("原因：%(reason)s") % {"reason": reason},
        url=reverse("deliberation:thread_list", args=[estate.slug]),
        dedupe_key=f"deliberation:block:{block.pk}",
        actor=moderator,
    )
    return block


@transaction.atomic
def lift_block(block: UserBlock, moderator: User, *, now: datetime | None = None) -> UserBlock:
    require_moderator(moderator, block.estate)
    if block.lifted_at is None:
        block.lifted_at = now or timezone.now()
        block.save(update_fields=["lifted_at"])
        audit.record(
            "deliberation.block_lifted",
            actor=moderator,
            obj=block,
            estate=block.estate,
            user_id=block.user_id,
        )
    return block
