"""Moderation of consultation opinions: held for review, hidden and restored.

The same model as posts and proposals: whoever may moderate the estate's discussion hides
an opinion with a reason from the same list (deliberation.choices.ReportReason), or shows
a hidden or held one again; opinions written with a sensitive word or under the estate's
pre-moderation wait for a moderator (deliberation.actions.hold_reason, the posts' own
screening). The author is told through a notification that refers to the opinion, so the
inbox shows its state as it stands and never copies its words. Every act is audited.

Hiding withholds the words only: the opinion counts in the figures, the committee handles
it, and the handling and its reason are published (consultations.visibility).

A text answer of the questionnaire is moderated the same way, by the same moderators, with
the same list of reasons and the same screening at submit: held or hidden, its response
still counts in every figure (choices, scores, the number of text answers).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import visibility
from consultations.models import Answer, Opinion
from deliberation.actions import hold_reason
from deliberation.actions.common import moderator_user_ids
from deliberation.choices import ReportReason
from portal.community import audit, moderation_seen, permissions
from portal.community.models import Estate
from portal.notifications.api import notify

if TYPE_CHECKING:
    from portal.accounts.types import User


def screen(estate: Estate, user: User, body: str) -> str:
    """Return why a new or changed opinion must wait for a moderator, or "" (as a post)."""
    return hold_reason(estate, user, body)


def _lock(opinion: Opinion) -> Opinion:
    return (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("consultation", "response")
        .get(pk=opinion.pk)
    )


def _estate_of(opinion: Opinion, moderator: User) -> Estate:
    estate = opinion.consultation.page_estate
    if estate is None or not permissions.may(moderator, "moderate", estate):
        raise PermissionDenied(_("只有本小区的版主可以处理。"))
    return estate


def _report_url(opinion: Opinion) -> str:
    url = opinion.consultation.subpage_url("report")
    return f"{url}#opinion-{opinion.pk}" if url else ""


def _own_response_url(item: Opinion | Answer) -> str:
    """Where the author reads their own response: the consultation page. (The report page is
    for the moderators here: for the author it stays closed until the report is published.)"""
    url = item.consultation.url
    return f"{url}#my-response" if url else ""


def notify_moderators_of_hold(opinion: Opinion, *, estate: Estate, actor: User) -> None:
    """Tell the estate's moderators an opinion waits for them (on the report page)."""
    notify(
        moderator_user_ids(estate),
        category="consultation",
        estate=estate,
        title=_("有征求意见的意见待审核"),
        body=opinion.held_reason,
        url=_report_url(opinion),
        dedupe_key=f"consultation:opinion:{opinion.pk}:held:{int(opinion.updated_at.timestamp())}",
        actor=actor,
        subject=opinion,
    )


@transaction.atomic
def hide_opinion(
    opinion: Opinion, moderator: User, *, reason: str, now: datetime | None = None
) -> Opinion:
    """Hide an opinion's words with a reason (or change the reason of a hiding in force).

    Its handling stays and is still published; every copy of the words shows the
    placeholder (consultations.visibility). The author is told.
    """
    now = now or timezone.now()
    opinion = _lock(opinion)
    estate = _estate_of(opinion, moderator)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择隐藏原因。")})
    continuing = opinion.hidden_at is not None
    opinion.hidden_reason = reason
    opinion.hidden_by = moderator
    if not continuing:
        opinion.hidden_at = now
    opinion.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
    audit.record(
        "consultation.opinion_hidden",
        actor=moderator,
        obj=opinion.consultation,
        estate=estate,
        opinion_id=opinion.pk,
        reason=reason,
        continued=continuing,
    )
    # The reason is not copied: the inbox shows the opinion's placeholder as it stands
    # (consultations.notification_subjects), so a changed reason or a restore reads right.
    notify(
        [opinion.response.user_id],
        category="consultation",
        estate=estate,
        title=_("您在征求意见中的意见已被版主隐藏"),
        body=_("意见仍计入统计，业主委员会的处理结果照常公布。如有异议，请联系版主。"),
        url=_own_response_url(opinion),
        dedupe_key=f"consultation:opinion:{opinion.pk}:hidden:{int(opinion.hidden_at.timestamp())}",
        actor=moderator,
        subject=opinion,
    )
    return opinion


@transaction.atomic
def restore_opinion(opinion: Opinion, moderator: User, *, seen: str | None) -> Opinion:
    """Show a hidden opinion again, or approve a held one; the author is told of a restore.

    `seen` is the fingerprint of the words the moderator was shown (Opinion.seen_fingerprint):
    a held opinion stays editable until the close, and words changed since are refused
    (portal.community.moderation_seen).
    """
    opinion = _lock(opinion)
    estate = _estate_of(opinion, moderator)
    if visibility.is_shown(opinion):
        raise ValidationError(_("该意见未被隐藏，无需恢复。"))
    moderation_seen.refuse_unless_seen(moderation_seen.of_opinion(opinion), seen)
    hidden_at = opinion.hidden_at
    was_held = hidden_at is None
    opinion.held_reason = ""
    opinion.hidden_reason = ""
    opinion.hidden_by = None
    opinion.hidden_at = None
    opinion.save(update_fields=["held_reason", "hidden_reason", "hidden_by", "hidden_at"])
    audit.record(
        "consultation.opinion_approved" if was_held else "consultation.opinion_restored",
        actor=moderator,
        obj=opinion.consultation,
        estate=estate,
        opinion_id=opinion.pk,
    )
    if not was_held:
        notify(
            [opinion.response.user_id],
            category="consultation",
            estate=estate,
            title=_("您在征求意见中的意见已恢复显示"),
            url=_own_response_url(opinion),
            dedupe_key=f"consultation:opinion:{opinion.pk}:restored:{int(hidden_at.timestamp())}",
            actor=moderator,
            subject=opinion,
        )
    return opinion


# --- text answers of the questionnaire ----------------------------------------------------------


def _lock_answer(answer: Answer) -> Answer:
    return (
        Answer.objects.select_for_update(of=("self",))
        .select_related("response__consultation")
        .get(pk=answer.pk)
    )


def answers_url(consultation) -> str:
    """Return the moderators' list of the consultation's text answers."""
    return consultation.subpage_url("moderate_answers")


def notify_moderators_of_answer_hold(answer: Answer, *, estate: Estate, actor: User) -> None:
    """Tell the estate's moderators a text answer waits for them (on the answers' list)."""
    url = answers_url(answer.consultation)
    notify(
        moderator_user_ids(estate),
        category="consultation",
        estate=estate,
        title=_("有征求意见的问卷回答待审核"),
        body=answer.held_reason,
        url=f"{url}#answer-{answer.pk}" if url else "",
        dedupe_key=f"consultation:answer:{answer.pk}:held:{answer.response.updated_at.timestamp():.0f}",
        actor=actor,
        subject=answer,
    )


@transaction.atomic
def hide_answer(
    answer: Answer, moderator: User, *, reason: str, now: datetime | None = None
) -> Answer:
    """Hide a text answer's words with a reason (or change the reason of a hiding in force).

    The response still counts; every copy of the words shows the placeholder
    (consultations.visibility). The author is told, without a copy of the words.
    """
    now = now or timezone.now()
    answer = _lock_answer(answer)
    consultation = answer.consultation
    estate = consultation.page_estate
    if estate is None or not permissions.may(moderator, "moderate", estate):
        raise PermissionDenied(_("只有本小区的版主可以处理。"))
    if not answer.text:
        raise ValidationError(_("只有文字回答可以隐藏。"))
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择隐藏原因。")})
    continuing = answer.hidden_at is not None
    answer.hidden_reason = reason
    answer.hidden_by = moderator
    if not continuing:
        answer.hidden_at = now
    answer.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
    audit.record(
        "consultation.answer_hidden",
        actor=moderator,
        obj=consultation,
        estate=estate,
        answer_id=answer.pk,
        question_id=answer.question_id,
        reason=reason,
        continued=continuing,
    )
    # As for opinions: the inbox shows the answer's placeholder as it stands
    # (consultations.notification_subjects), never the words or a stale reason.
    notify(
        [answer.response.user_id],
        category="consultation",
        estate=estate,
        title=_("您在征求意见问卷中的回答已被版主隐藏"),
        body=_("您的问卷仍计入统计。如有异议，请联系版主。"),
        url=_own_response_url(answer),
        dedupe_key=f"consultation:answer:{answer.pk}:hidden:{int(answer.hidden_at.timestamp())}",
        actor=moderator,
        subject=answer,
    )
    return answer


@transaction.atomic
def restore_answer(answer: Answer, moderator: User, *, seen: str | None) -> Answer:
    """Show a hidden text answer again, or approve a held one; the author is told of a
    restore.

    `seen` is the fingerprint of the words the moderator was shown (Answer.seen_fingerprint):
    a held answer stays editable until the close, so words changed since are refused
    (portal.community.moderation_seen), as for opinions.
    """
    answer = _lock_answer(answer)
    consultation = answer.consultation
    estate = consultation.page_estate
    if estate is None or not permissions.may(moderator, "moderate", estate):
        raise PermissionDenied(_("只有本小区的版主可以处理。"))
    if visibility.is_shown(answer):
        raise ValidationError(_("该回答未被隐藏，无需恢复。"))
    moderation_seen.refuse_unless_seen(moderation_seen.of_answer(answer), seen)
    hidden_at = answer.hidden_at
    was_held = hidden_at is None
    answer.held_reason = ""
    answer.hidden_reason = ""
    answer.hidden_by = None
    answer.hidden_at = None
    answer.save(update_fields=["held_reason", "hidden_reason", "hidden_by", "hidden_at"])
    audit.record(
        "consultation.answer_approved" if was_held else "consultation.answer_restored",
        actor=moderator,
        obj=consultation,
        estate=estate,
        answer_id=answer.pk,
        question_id=answer.question_id,
    )
    if not was_held:
        notify(
            [answer.response.user_id],
            category="consultation",
            estate=estate,
            title=_("您在征求意见问卷中的回答已恢复显示"),
            url=_own_response_url(answer),
            dedupe_key=f"consultation:answer:{answer.pk}:restored:{int(hidden_at.timestamp())}",
            actor=moderator,
            subject=answer,
        )
    return answer
