"""Moderation of owners' proposals: reports, hiding and restoring, the author's request for
review. The same model as posts (deliberation.moderation): whoever may moderate the estate's
discussion hides with a reason from the same list, members report once each and the
estate's report threshold hides a proposal for review, the author is told (the notification
refers to the proposal and shows its state as it stands), and every act is audited. Hiding
an adopted proposal leaves the documents made from it and tells those who adopted it
(proposals.adoption).

Imported through proposals.actions (the app's one place for state changes).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions import restore_post, withhold_copy
from deliberation.actions.common import moderator_user_ids
from deliberation.choices import PostStatus, ReportReason, ReportStatus
from deliberation.models import DeliberationSettings
from portal.community import audit, moderation_seen, permissions
from portal.community.models import Estate
from portal.notifications.api import notify
from proposals.adoption import tell_adopters_of_hiding
from proposals.models import Proposal, ProposalReport
from search.api import reindex_now

if TYPE_CHECKING:
    from portal.accounts.types import User

DETAIL_MAX = ProposalReport._meta.get_field("detail").max_length
NOTE_MAX = Proposal._meta.get_field("hidden_note").max_length
REVIEW_MAX = Proposal._meta.get_field("review_text").max_length


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("estate", "thread")
        .get(pk=proposal.pk)
    )


def _require_moderator(user: User, estate: Estate) -> None:
    if not permissions.may(user, "moderate", estate):
        raise PermissionDenied(_("只有本小区的版主可以处理。"))


def _moderator_ids(estate: Estate) -> list[int]:
    return moderator_user_ids(estate)


def _after_change(proposal: Proposal) -> None:
    """Rewrite the proposal's search row now, so hidden words leave the results with the act."""
    reindex_now(proposal)


def hiding_key(proposal: Proposal) -> str:
    """Return the dedupe key of the author's notice for the current hiding (one per act)."""
    return f"proposals:{proposal.pk}:hidden:{int(proposal.hidden_at.timestamp())}"


def _notify_author_of_hiding(proposal: Proposal, *, actor: User | None) -> None:
    # The reason is not copied: the inbox shows the proposal's placeholder as it stands
    # (proposals.notification_subjects), so a changed reason or a restore reads correctly.
    notify(
        [proposal.author_id],
        category="deliberation",
        estate=proposal.estate,
        title=_("您的提案已被隐藏"),
        body=_("如有异议，可在提案页面申请版主复核一次。"),
        url=proposal.get_absolute_url(),
        dedupe_key=hiding_key(proposal),
        actor=actor,
        subject=proposal,
    )


def discussion_kept_hidden(post) -> str:
    """Return why a discussion's opening may not be shown on its own while its proposal is
    hidden (it quotes the proposal's title, as the thread's title does), or "".

    Registered with deliberation (register_copy_guard): restoring, approving or appealing
    that post alone is refused; restoring the proposal restores it (restore_proposal).
    """
    if not post.is_opening:
        return ""
    if not Proposal.objects.filter(thread_id=post.thread_id, hidden_at__isnull=False).exists():
        return ""
    return _("该帖随业主提案一并隐藏：请在提案页面恢复提案，或由提案人申请复核。")


def _hide_discussion_opening(proposal: Proposal, *, actor: User | None, now: datetime) -> None:
    """The discussion's opening post and title quote the proposal's title: hide that copy."""
    if proposal.thread_id is None:
        return
    opening = proposal.thread.posts.filter(is_opening=True).first()
    if opening is not None:
        withhold_copy(
            opening,
            reason=proposal.hidden_reason,
            note=_("随业主提案一并隐藏"),
            actor=actor,
            now=now,
        )


def _restore_discussion_opening(proposal: Proposal, hidden_at: datetime, moderator: User) -> None:
    """Show the discussion's opening again if it was hidden with this proposal (same moment)."""
    if proposal.thread_id is None:
        return
    opening = proposal.thread.posts.filter(
        is_opening=True, status=PostStatus.HIDDEN, hidden_at=hidden_at
    ).first()
    if opening is not None:
        # Hidden with the proposal (so not editable since), quoting the title just read.
        restore_post(opening, moderator, seen=moderation_seen.of_post(opening))


def _set_hidden(
    proposal: Proposal, *, reason: str, note: str, by: User | None, now: datetime, pending: bool
) -> bool:
    """Write the hiding; return whether it continues one already in force (kept hidden_at)."""
    continuing = proposal.hidden_at is not None
    proposal.hidden_reason = reason
    proposal.hidden_note = note
    proposal.hidden_by = by
    if not continuing:
        proposal.hidden_at = now
    proposal.review_pending = pending
    fields = ["hidden_reason", "hidden_note", "hidden_by", "hidden_at", "review_pending"]
    if continuing and proposal.review_awaited and by is not None:
        # A moderator confirming the hiding answers the author's request for review.
        proposal.review_decided_at = now
        fields.append("review_decided_at")
    proposal.save(update_fields=fields)
    return continuing


@transaction.atomic
def hide_proposal(
    proposal: Proposal,
    moderator: User,
    *,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> Proposal:
    """Hide a proposal's title and body (or confirm a hiding): the page keeps a placeholder
    with the reason, and every copy follows (proposals.visibility)."""
    now = now or timezone.now()
    proposal = _lock(proposal)
    _require_moderator(moderator, proposal.estate)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择隐藏原因。")})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("说明最多 %(n)s 字。") % {"n": NOTE_MAX}})
    review_awaited = proposal.review_awaited
    if review_awaited and not permissions.may(moderator, "decide_proposal_review", proposal):
        # As a post's appeal: the author's request is answered by another pair of eyes.
        raise PermissionDenied(_("复核须由另一位版主处理，隐藏该提案的版主不能复核。"))
    continuing = _set_hidden(
        proposal, reason=reason, note=note, by=moderator, now=now, pending=False
    )
    _hide_discussion_opening(proposal, actor=moderator, now=proposal.hidden_at)
    ProposalReport.objects.filter(proposal=proposal, status=ReportStatus.OPEN).update(
        status=ReportStatus.UPHELD
    )
    _after_change(proposal)
    audit.record(
        "proposals.hidden",
        actor=moderator,
        obj=proposal,
        estate=proposal.estate,
        reason=reason,
        continued=continuing,
        review_declined=review_awaited,
        # An adopted proposal's copies stay as they are; their owners are told (proposals.adoption).
        adoption_copies=tell_adopters_of_hiding(proposal, actor=moderator),
    )
    _notify_author_of_hiding(proposal, actor=moderator)
    if review_awaited:
        notify(
            [proposal.author_id],
            category="deliberation",
            estate=proposal.estate,
            title=_("您的复核申请已处理：维持隐藏"),
            body=note,
            url=proposal.get_absolute_url(),
            dedupe_key=f"proposals:{proposal.pk}:review-decided:{int(now.timestamp())}",
            actor=moderator,
            subject=proposal,
        )
    return proposal


@transaction.atomic
def restore_proposal(
    proposal: Proposal, moderator: User, *, seen: str | None, now: datetime | None = None
) -> Proposal:
    """Show a hidden proposal again; its open reports are dismissed and the author told.

    `seen`: the fingerprint of the words shown (Proposal.seen_fingerprint), as for posts.
    The answer deadline is not moved: a proposal hidden and restored after its deadline
    counts as overdue, so hiding can never be a way round the duty to answer.
    """
    proposal = _lock(proposal)
    _require_moderator(moderator, proposal.estate)
    if proposal.hidden_at is None:
        raise ValidationError(_("该提案未被隐藏，无需恢复。"))
    moderation_seen.refuse_unless_seen(moderation_seen.of_proposal(proposal), seen)
    hidden_at = proposal.hidden_at
    review_requested = proposal.review_requested_at is not None
    proposal.hidden_reason = ""
    proposal.hidden_note = ""
    proposal.hidden_by = None
    proposal.hidden_at = None
    proposal.review_pending = False
    proposal.review_text = ""
    proposal.review_requested_at = None
    proposal.review_decided_at = None
    proposal.save(
        update_fields=[
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "review_pending",
            "review_text",
            "review_requested_at",
            "review_decided_at",
        ]
    )
    _restore_discussion_opening(proposal, hidden_at, moderator)
    ProposalReport.objects.filter(proposal=proposal, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED
    )
    _after_change(proposal)
    audit.record(
        "proposals.restored",
        actor=moderator,
        obj=proposal,
        estate=proposal.estate,
        review_requested=review_requested,
    )
    notify(
        [proposal.author_id],
        category="deliberation",
        estate=proposal.estate,
        title=_("您的提案已恢复显示"),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposals:{proposal.pk}:restored:{int(hidden_at.timestamp())}",
        actor=moderator,
        subject=proposal,
    )
    return proposal


@transaction.atomic
def report_proposal(
    proposal: Proposal,
    user: User,
    *,
    reason: str,
    detail: str = "",
    now: datetime | None = None,
) -> ProposalReport:
    """Report a proposal once; at the estate's threshold of reporters it is hidden for review
    (DeliberationSettings.hide_threshold, the same number as for posts)."""
    now = now or timezone.now()
    proposal = _lock(proposal)
    estate = proposal.estate
    if not permissions.may(user, "deliberate", estate):
        raise PermissionDenied(_("只有本小区成员可以举报。"))
    if not permissions.may(user, "report_proposal", proposal):  # a member, so: their own
        raise ValidationError(_("不能举报自己的提案。"))
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择举报原因。")})
    detail = (detail or "").strip()
    if len(detail) > DETAIL_MAX:
        raise ValidationError({"detail": _("补充说明最多 %(n)s 字。") % {"n": DETAIL_MAX}})
    if ProposalReport.objects.filter(proposal=proposal, reporter=user).exists():
        raise ValidationError(_("您已经举报过这个提案，版主会尽快处理。"))
    try:
        with transaction.atomic():
            report = ProposalReport.objects.create(
                proposal=proposal, reporter=user, reason=reason, detail=detail, created_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已经举报过这个提案，版主会尽快处理。")) from exc
    open_reports = ProposalReport.objects.filter(proposal=proposal, status=ReportStatus.OPEN)
    reporters = open_reports.count()
    proposal.report_count = ProposalReport.objects.filter(proposal=proposal).count()
    proposal.save(update_fields=["report_count"])
    threshold = DeliberationSettings.for_estate(estate).hide_threshold
    auto_hidden = proposal.hidden_at is None and reporters >= threshold
    audit.record(
        "proposals.reported",
        actor=user,
        obj=proposal,
        estate=estate,
        reason=reason,
        reporters=reporters,
        auto_hidden=auto_hidden,
    )
    if auto_hidden:
        _auto_hide(proposal, Counter(open_reports.values_list("reason", flat=True)), now=now)
    else:
        notify(
            _moderator_ids(estate),
            category="deliberation",
            estate=estate,
            title=_("有业主提案被举报，请处理"),
            url=proposal.get_absolute_url(),
            dedupe_key=f"proposals:{proposal.pk}:reported",
            actor=user,
            subject=proposal,
        )
    return report


def _auto_hide(proposal: Proposal, reasons: Counter, *, now: datetime) -> None:
    reporters = sum(reasons.values())
    _set_hidden(
        proposal,
        reason=reasons.most_common(1)[0][0],
        note=_("%(n)s 位成员举报，已自动隐藏，等待版主复核") % {"n": reporters},
        by=None,
        now=now,
        pending=True,
    )
    _hide_discussion_opening(proposal, actor=None, now=proposal.hidden_at)
    _after_change(proposal)
    audit.record(
        "proposals.auto_hidden",
        actor=None,
        obj=proposal,
        estate=proposal.estate,
        reporters=reporters,
        reason=proposal.hidden_reason,
        adoption_copies=tell_adopters_of_hiding(proposal, actor=None),
    )
    _notify_author_of_hiding(proposal, actor=None)
    notify(
        _moderator_ids(proposal.estate),
        category="deliberation",
        estate=proposal.estate,
        title=_("有业主提案被举报后自动隐藏，请复核"),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposals:{proposal.pk}:auto-hidden:{int(proposal.hidden_at.timestamp())}",
        urgency="important",
        subject=proposal,
    )


@transaction.atomic
def request_review(
    proposal: Proposal, user: User, *, text: str, now: datetime | None = None
) -> Proposal:
    """The author asks the moderators once per hiding to look again (as a post's appeal);
    a moderator answers by restoring the proposal or confirming the hiding, and only another
    moderator than the one who hid it may confirm it (`decide_proposal_review`)."""
    proposal = _lock(proposal)
    if not permissions.may(user, "request_proposal_review", proposal):
        raise PermissionDenied(_("只有提案人可以申请复核。"))
    if proposal.hidden_at is None:
        raise ValidationError(_("只有被隐藏的提案可以申请复核。"))
    if proposal.review_requested_at is not None:
        raise ValidationError(_("每次隐藏只能申请复核一次。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请写明申请复核的理由。")})
    if len(text) > REVIEW_MAX:
        raise ValidationError({"text": _("理由最多 %(n)s 字。") % {"n": REVIEW_MAX}})
    proposal.review_text = text
    proposal.review_requested_at = now or timezone.now()
    proposal.save(update_fields=["review_text", "review_requested_at"])
    audit.record("proposals.review_requested", actor=user, obj=proposal, estate=proposal.estate)
    notify(
        [
            pk
            for pk in _moderator_ids(proposal.estate)
            if pk not in (user.pk, proposal.hidden_by_id)
        ],
        category="deliberation",
        estate=proposal.estate,
        title=_("有被隐藏的业主提案申请复核"),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposals:{proposal.pk}:review:{int(proposal.review_requested_at.timestamp())}",
        actor=user,
        subject=proposal,
    )
    return proposal
