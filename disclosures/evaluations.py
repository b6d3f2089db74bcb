"""The owners' evaluation of the property service: opening it, answering it (one response per
head, DB-enforced), publishing its results (computed in disclosures.evaluation_results), the
company's public answer and its improvement plan, which the committee can turn into action items.

Weighting (as consultations do, SPC interpretation Art. 8 and 9):
- by heads: every responding head counts once, so the mean is Σ score / n;
- by area: each head weighs its exclusive area (co-owned units by share), so the mean is
  Σ (score × area) / Σ area.
Both are computed exactly (Fraction) in SQL-summed integers and rounded only for display.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.oversight.actions import create_action_item
from disclosures.actions.common import notify_about, party_ids
from disclosures.choices import SCORE_MAX, SCORE_MIN, ServiceArea
from disclosures.evaluation_results import (  # noqa: F401 - re-exported for the views and tests
    AREA_SCALE,
    AreaResult,
    Results,
    change_text,
    means_for,
    overall,
    previous_of,
    results,
    score_text,
)
from disclosures.models import (
    CompanyReply,
    EvaluationResponse,
    EvaluationScore,
    ImprovementItem,
    ServiceEvaluation,
)
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.models import Estate, OwnerIdentity, Ownership


def evaluation_url(evaluation: ServiceEvaluation) -> str:
    return reverse("disclosures:evaluation", args=[evaluation.estate.slug, evaluation.pk])


@transaction.atomic
def open_evaluation(
    estate: Estate, user: Any, *, year: int, occasion: str, opens_at: datetime, closes_at: datetime
) -> ServiceEvaluation:
    """The committee opens an evaluation round (annually, and before a renewal vote)."""
    if not permissions.may(user, "review_disclosures", estate):
        raise PermissionDenied(_("只有业主委员会可以发起满意度测评。"))
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("截止时间须晚于开始时间。")})
    if ServiceEvaluation.objects.filter(estate=estate, year=year, occasion=occasion).exists():
        raise ValidationError(_("这一年度的同类测评已经存在。"))
    evaluation = ServiceEvaluation.objects.create(
        estate=estate,
        year=year,
        occasion=occasion,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=user,
    )
    audit.record(
        "disclosures.evaluation_opened", actor=user, obj=evaluation, estate=estate, year=year
    )
    return evaluation


def head_of(user: Any, estate: Estate) -> OwnerIdentity | None:
    """Return the register identity (the head) the user answers for, if a verified owner."""
    if not permissions.is_verified_owner(user, estate):
        return None
    return OwnerIdentity.objects.filter(user=user, estate=estate).first()


def area_weight_of(identity: OwnerIdentity) -> int:
    """Return the head's exclusive area in millionths of a m², co-owned units by share."""
    total = 0
    for share, area in Ownership.objects.filter(
        identity=identity, ended_at__isnull=True
    ).values_list("share", "unit__exclusive_area"):
        total += int((Decimal(share) * Decimal(area or 0)).scaleb(AREA_SCALE))
    return total


@transaction.atomic
def respond(
    evaluation: ServiceEvaluation,
    user: Any,
    *,
    scores: dict[str, int],
    comments: dict[str, str] | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> EvaluationResponse:
    """Record one head's answers: a 1–5 score for every service area. Refused, with nothing
    stored, outside the evaluation's dates, for anyone not a verified owner, for a missing or
    out-of-range score, and for a second response of the same head (the database refuses it
    too: co-owners linked to one identity, or two tabs)."""
    now = now or timezone.now()
    estate = evaluation.estate
    identity = head_of(user, estate)
    if identity is None:
        raise PermissionDenied(_("满意度测评仅面向本小区的认证业主。"))
    if not evaluation.is_open(now):
        raise ValidationError(_("测评不在进行中。"))
    errors = []
    for area in ServiceArea:
        score = scores.get(area.value)
        if not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors.append(_("请为“%(area)s”打 1–5 分。") % {"area": area.label})
    if errors:
        raise ValidationError(errors)
    if EvaluationResponse.objects.filter(evaluation=evaluation, identity=identity).exists():
        raise ValidationError(_("您（或与您同一业主身份的共有人）已经提交过测评，每户只计一次。"))
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                evaluation=evaluation,
                identity=identity,
                user=user,
                area_weight=area_weight_of(identity),
                comment=(comment or "").strip()[:2000],
                created_at=now,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("您（或与您同一业主身份的共有人）已经提交过测评，每户只计一次。")
        ) from exc
    comments = comments or {}
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            response=response,
            area=area.value,
            score=scores[area.value],
            comment=(comments.get(area.value) or "").strip()[:500],
        )
        for area in ServiceArea
    )
    audit.record("disclosures.evaluation_response", actor=user, obj=evaluation, estate=estate)
    return response


@transaction.atomic
def publish_results(
    evaluation: ServiceEvaluation, user: Any, *, now: datetime | None = None
) -> ServiceEvaluation:
    now = now or timezone.now()
    evaluation = (
        ServiceEvaluation.objects.select_for_update().select_related("estate").get(pk=evaluation.pk)
    )
    if not permissions.may(user, "review_disclosures", evaluation.estate):
        raise PermissionDenied(_("只有业主委员会可以公布测评结果。"))
    if not evaluation.is_closed(now):
        raise ValidationError(_("测评截止后才能公布结果。"))
    if evaluation.published_at:
        return evaluation
    evaluation.published_at = now
    evaluation.save(update_fields=["published_at"])
    audit.record(
        "disclosures.evaluation_published", actor=user, obj=evaluation, estate=evaluation.estate
    )

    notify_about(
        party_ids(evaluation.estate, Party.PROPERTY),
        estate=evaluation.estate,
        title=_("%(year)s 年物业服务满意度测评结果已公布，请公开答复") % {"year": evaluation.year},
        url=evaluation_url(evaluation),
        key=f"disclosures:evaluation:{evaluation.pk}:published",
        actor=user,
        category="action_item",
        urgency="important",
    )
    return evaluation


@transaction.atomic
def reply(
    evaluation: ServiceEvaluation,
    user: Any,
    *,
    body: str,
    plan: list[tuple[Any, str]],
    now: datetime | None = None,
) -> CompanyReply:
    """The property company answers the published results publicly, with its improvement plan."""
    now = now or timezone.now()
    evaluation = (
        ServiceEvaluation.objects.select_for_update().select_related("estate").get(pk=evaluation.pk)
    )
    estate = evaluation.estate
    if not permissions.may(user, "enter_disclosures", estate):
        raise PermissionDenied(_("只有物业服务企业可以答复。"))
    if not evaluation.published_at:
        raise ValidationError(_("结果公布后才能答复。"))
    if CompanyReply.objects.filter(evaluation=evaluation).exists():
        raise ValidationError(_("已经答复过了。"))
    if not (body or "").strip():
        raise ValidationError({"body": _("请填写答复。")})
    answer = CompanyReply.objects.create(
        evaluation=evaluation, body=body.strip()[:4000], replied_by=user, replied_at=now
    )
    ImprovementItem.objects.bulk_create(
        ImprovementItem(reply=answer, text=text, due_date=due) for due, text in plan
    )
    audit.record(
        "disclosures.evaluation_reply", actor=user, obj=evaluation, estate=estate, items=len(plan)
    )
    return answer


@transaction.atomic
def make_action_item(item: ImprovementItem, user: Any):
    """Turn one step of the improvement plan into an action item (督办事项) for the company."""
    item = (
        ImprovementItem.objects.select_for_update()
        .select_related("reply__evaluation__estate")
        .get(pk=item.pk)
    )
    evaluation = item.reply.evaluation
    if item.action_item_id:
        return item.action_item
    action_item = create_action_item(
        evaluation.estate,
        actor=user,
        title=item.text,
        responsible_party=Party.PROPERTY,
        due_date=item.due_date,
        description=_("来自 %(year)s 年物业服务满意度测评的整改计划。") % {"year": evaluation.year},
    )
    item.action_item = action_item
    item.save(update_fields=["action_item"])
    return action_item
