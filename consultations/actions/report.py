"""The response report (意见处理情况): marking how each opinion was handled, publishing the
report, and telling the participants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.choices import Handling
from consultations.models import ConsultationPage, Opinion, ResponseReport
from portal.community import audit, permissions
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import User


def _require_manager(user: User, consultation: ConsultationPage) -> None:
    estate = consultation.page_estate
    if estate is None or not permissions.may(user, "manage_consultation", estate):
        raise ValidationError(_("只有本小区业主委员会可以处理意见。"))


@transaction.atomic
def mark_opinions(
    consultation: ConsultationPage,
    marks: Mapping[int, tuple[str, str]],
    *,
    actor: User,
) -> int:
    """Record the committee's handling of opinions: {opinion id: (handling, reason)}.

    All or nothing: refused (ValidationError listing every problem, nothing changed) before
    the close, after the report is published, for a handling outside the list, and where
    "不采纳" or "部分采纳" has no reason. Returns how many opinions changed.
    """
    _require_manager(actor, consultation)
    if not consultation.is_closed:
        raise ValidationError(_("征求意见截止后才能处理意见。"))
    if ResponseReport.objects.filter(consultation=consultation).exists():
        raise ValidationError(_("采纳情况已经发布，不能再修改处理结果。"))
    opinions = {
        o.pk: o
        for o in Opinion.objects.select_for_update().filter(
            consultation=consultation, pk__in=list(marks)
        )
    }
    # Keyed by the form field ("handling-<pk>", "reason-<pk>") so the page can link to it.
    errors: dict[str, list[str]] = {}
    if len(opinions) != len(marks):
        errors[NON_FIELD_ERRORS] = [_("要处理的意见不属于本次征求意见。")]
    changed: list[Opinion] = []
    now = timezone.now()
    for number, (pk, (handling, reason)) in enumerate(sorted(marks.items()), start=1):
        opinion = opinions.get(pk)
        if opinion is None:
            continue
        reason = (reason or "").strip()
        if not handling and not reason:
            continue  # left for later
        if handling not in Handling.values:
            errors[f"handling-{pk}"] = [_("第 %(n)d 条意见：请选择处理结果。") % {"n": number}]
            continue
        if handling in Handling.needing_reason() and not reason:
            errors[f"reason-{pk}"] = [
                _("第 %(n)d 条意见：“%(h)s”须说明理由。")
                % {"n": number, "h": Handling(handling).label}
            ]
            continue
        if len(reason) > 2000:
            errors[f"reason-{pk}"] = [_("第 %(n)d 条意见：理由不能超过 2000 字。") % {"n": number}]
            continue
        if opinion.handling == handling and opinion.reason == reason:
            continue
        opinion.handling, opinion.reason = handling, reason
        opinion.handled_by, opinion.handled_at = actor, now
        changed.append(opinion)
    if errors:
        raise ValidationError(errors)
    Opinion.objects.bulk_update(changed, ["handling", "reason", "handled_by", "handled_at"])
    for opinion in changed:
        audit.record(
            "consultation.opinion_marked",
            actor=actor,
            obj=consultation,
            estate=consultation.page_estate,
            opinion_id=opinion.pk,
            handling=opinion.handling,
            reason=opinion.reason,
        )
    return len(changed)


@transaction.atomic
def save_handling(
    consultation: ConsultationPage,
    marks: Mapping[int, tuple[str, str]],
    *,
    actor: Any,
    publish: bool = False,
    summary: str = "",
) -> int:
    """Record the committee's handling of opinions and, with publish, publish the report.

    "保存并发布" is one act: a refused publication saves no marks either (ValidationError,
    nothing changed). Returns how many opinions changed.
    """
    changed = mark_opinions(consultation, marks, actor=actor)
    if publish:
        publish_report(consultation, summary=summary, actor=actor)
    return changed


def unmarked_count(consultation: ConsultationPage) -> int:
    return Opinion.objects.filter(consultation=consultation, handling="").count()


@transaction.atomic
def publish_report(
    consultation: ConsultationPage, *, summary: str = "", actor: User
) -> ResponseReport:
    """Publish how every opinion was handled and tell each participant about their own.

    Refused while any opinion is unmarked (the message says how many), before the close, and
    a second time. Each participant gets one notification summarising their opinions.
    """
    _require_manager(actor, consultation)
    if not consultation.is_closed:
        raise ValidationError(_("征求意见截止后才能发布采纳情况。"))
    if ResponseReport.objects.select_for_update().filter(consultation=consultation).exists():
        raise ValidationError(_("采纳情况已经发布。"))
    pending = unmarked_count(consultation)
    if pending:
        raise ValidationError(
            ngettext(
                "还有 %(n)d 条意见尚未标注处理结果，全部标注后才能发布。",
                "还有 %(n)d 条意见尚未标注处理结果，全部标注后才能发布。",
                pending,
            )
            % {"n": pending}
        )
    try:
        with transaction.atomic():
            report = ResponseReport.objects.create(
                consultation=consultation, summary=(summary or "").strip(), published_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(_("采纳情况已经发布。")) from exc
    counts = Counter(
        Opinion.objects.filter(consultation=consultation).values_list("handling", flat=True)
    )
    audit.record(
        "consultation.report_published",
        actor=actor,
        obj=consultation,
        estate=consultation.page_estate,
        **{handling: counts.get(handling, 0) for handling in Handling.values},
    )
    notify_participants_of_handling(consultation, actor=actor)
    return report


def _handling_summary(counts: Counter) -> str:
    parts = [
        _("%(label)s %(n)d 条") % {"label": handling.label, "n": counts[handling.value]}
        for handling in Handling
        if counts.get(handling.value)
    ]
    return "，".join(parts)


def notify_participants_of_handling(
    consultation: ConsultationPage, *, actor: User | None = None
) -> int:
    """Tell each participant how their own opinions were handled; return how many were told.

    People whose opinions were handled alike share one batch; the one dedupe key keeps a
    retry (or a second call) from telling anyone twice.
    """
    per_user: dict[int, Counter] = defaultdict(Counter)
    for user_id, handling in Opinion.objects.filter(consultation=consultation).values_list(
        "response__user_id", "handling"
    ):
        per_user[user_id][handling] += 1
    groups: dict[str, list[int]] = defaultdict(list)
    for user_id, counts in per_user.items():
        groups[_handling_summary(counts)].append(user_id)
    url = consultation.subpage_url("report")
    for summary, user_ids in sorted(groups.items()):
        notify(
            user_ids,
            category="consultation",
            estate=consultation.page_estate,
            title=fit_title(_("您的意见处理情况：%(title)s") % {"title": consultation.title}),
            body=_("您提出的意见中：%(summary)s。点击查看每条意见的处理情况和理由。")
            % {"summary": summary},
            url=url,
            dedupe_key=f"consultation:{consultation.pk}:report",
            actor=actor,
        )
    return len(per_user)
