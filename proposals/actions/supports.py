"""Supports: on a proposal (one per head, reaching the threshold starts the answer's
deadline) and on a discussion post or a consultation opinion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import visibility as opinion_visibility
from deliberation import visibility as post_visibility
from portal.community import audit, permissions
from portal.community.models import Estate
from proposals import rules, visibility
from proposals.actions.common import answering_user_ids, notify_about_proposal
from proposals.choices import ProposalStatus, SupportTarget
from proposals.heads import heads_for
from proposals.models import Proposal, ProposalSettings, Support


@dataclass(frozen=True)
class SupportResult:
    support: Support
    total: int
    reached_now: bool = False


def support(target: str, obj: Any, user: Any, *, now: datetime | None = None) -> SupportResult:
    """Support a proposal, a discussion post or a consultation opinion (one click, once)."""
    if target == SupportTarget.PROPOSAL:
        return support_proposal(obj, user, now=now)
    if target in (SupportTarget.POST, SupportTarget.OPINION):
        return support_content(target, obj, user, now=now)
    raise ValidationError(_("无法支持该内容。"))


@transaction.atomic
def support_proposal(
    proposal: Proposal, user: Any, *, now: datetime | None = None
) -> SupportResult:
    """Add one head's support; at the threshold, start the answer deadline and tell the parties."""
    if not permissions.may(user, "support_proposals", proposal.estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以支持提案（每户计一人）。"))
    return add_support(proposal, user, now=now or timezone.now())


def add_support(
    proposal: Proposal, user: Any, *, now: datetime | None = None, own: bool = False
) -> SupportResult:
    """Count one head's support. `own`: the author's, counted as the proposal is put forward,
    even while it waits for a moderator (a held proposal takes no one else's)."""
    now = now or timezone.now()
    # The row lock serialises supports of one proposal, so the threshold is crossed once.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.is_answered:
        raise ValidationError(_("该提案已经答复，不再征集支持。"))
    if not visibility.is_shown(proposal) and not own:
        raise ValidationError(visibility.refusal(proposal, act="support"))
    heads = heads_for(proposal.estate, user)
    if not heads.head:
        raise PermissionDenied(_("业主名册中没有找到您的房屋，无法计入支持人数。"))
    if Support.objects.filter(
        target=SupportTarget.PROPOSAL, object_id=proposal.pk, user=user
    ).exists():
        raise ValidationError(_("您已经支持过这个提案了。"))
    if Support.objects.filter(
        target=SupportTarget.PROPOSAL, object_id=proposal.pk, head=heads.head
    ).exists():
        raise ValidationError(
            _("与您同属一户（同一业主人数）的共有人已经支持过这个提案，每户只计一次。")
        )
    try:
        with transaction.atomic():
            row = Support.objects.create(
                target=SupportTarget.PROPOSAL,
                object_id=proposal.pk,
                estate=proposal.estate,
                user=user,
                head=heads.head,
                created_at=now,
            )
    except IntegrityError as exc:  # a concurrent click of the same head
        raise ValidationError(_("您已经支持过这个提案了。")) from exc
    total = Support.objects.filter(target=SupportTarget.PROPOSAL, object_id=proposal.pk).count()
    reached_now = False
    if proposal.status == ProposalStatus.COLLECTING:
        config = ProposalSettings.for_estate(proposal.estate)
        share = rules.share_of(config.threshold_percent)
        if rules.threshold_met(min(total, heads.total), heads.total, share):
            _reach_threshold(proposal, heads.total, share, config.answer_days, now=now, actor=user)
            reached_now = True
    audit.record(
        "proposals.supported", actor=user, obj=proposal, estate=proposal.estate, supports=total
    )
    return SupportResult(row, total, reached_now)


def _reach_threshold(proposal, total_heads, share, answer_days, *, now, actor) -> None:
    proposal.status = ProposalStatus.AWAITING_ANSWER
    proposal.reached_at = now
    proposal.heads_at_threshold = total_heads
    proposal.needed_at_threshold = rules.supports_needed(total_heads, share)
    proposal.answer_due_at = rules.answer_due(now, answer_days)
    proposal.save(
        update_fields=[
            "status",
            "reached_at",
            "heads_at_threshold",
            "needed_at_threshold",
            "answer_due_at",
        ]
    )
    audit.record(
        "proposals.threshold_reached",
        actor=actor,
        obj=proposal,
        estate=proposal.estate,
        heads=total_heads,
        needed=proposal.needed_at_threshold,
        due=proposal.answer_due_at.isoformat(),
    )
    due = timezone.localtime(proposal.answer_due_at).strftime("%Y-%m-%d %H:%M")
    notify_about_proposal(
        answering_user_ids(proposal.estate),
        estate=proposal.estate,
        title=_("一项业主提案达到支持门槛，请按时公开答复"),
        body=_("请在 %(due)s 前答复：采纳、不采纳（附理由）或转交。") % {"due": due},
        url=proposal.get_absolute_url(),
        subject=proposal,
        key=f"proposals:{proposal.pk}:reached",
        actor=actor,
    )
    notify_about_proposal(
        [proposal.author_id],
        estate=proposal.estate,
        title=_("您的提案达到了支持门槛"),
        body=_("业委会或物业应在 %(due)s 前公开答复。") % {"due": due},
        url=proposal.get_absolute_url(),
        subject=proposal,
        key=f"proposals:{proposal.pk}:reached:author",
        actor=actor,
    )


def _content_estate(target: str, obj: Any) -> Estate:
    if target == SupportTarget.POST:
        return obj.thread.estate
    return obj.consultation.page_estate


@transaction.atomic
def support_content(
    target: str, obj: Any, user: Any, *, now: datetime | None = None
) -> SupportResult:
    """Support a discussion post or a consultation opinion: one per member, never one's own."""
    estate = _content_estate(target, obj)
    if not permissions.may(user, "support_content", estate):
        raise PermissionDenied(_("只有本小区成员可以支持。"))
    if target == SupportTarget.POST and not post_visibility.is_shown(obj):
        raise ValidationError(_("该发言目前不显示，无法支持。"))
    if target == SupportTarget.OPINION and not opinion_visibility.is_shown(obj):
        raise ValidationError(_("该意见目前不显示，无法支持。"))
    if not permissions.may(user, "support_item", obj):
        raise ValidationError(_("不能支持自己的内容。"))
    head = f"user:{user.pk}"
    if Support.objects.filter(target=target, object_id=obj.pk, head=head).exists():
        raise ValidationError(_("您已经支持过了。"))
    try:
        with transaction.atomic():
            row = Support.objects.create(
                target=target,
                object_id=obj.pk,
                estate=estate,
                user=user,
                head=head,
                created_at=now or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已经支持过了。")) from exc
    total = Support.objects.filter(target=target, object_id=obj.pk).count()
    return SupportResult(row, total)
