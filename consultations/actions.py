"""Every state change of the consultations domain has its one entry point here.

Responding, marking opinions, publishing the response report, and the notifications at the
opening, before the close and at the report, each sent with portal.notifications.api.notify.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.answers import check_submission
from consultations.choices import Audience, Handling, Phase
from consultations.models import (
    Answer,
    ConsultationPage,
    Opinion,
    Response,
    ResponseReport,
    ResponseRevision,
)
from consultations.models.responses import AREA_SCALE, UNIT_SCALE
from portal.community import audit, permissions
from portal.community.membership import users_of_units
from portal.community.models import Ownership, Unit
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import AnyUser, User

OPENING_TASK = "consultations.tasks.send_opening_notice"
REMINDER_TASK = "consultations.tasks.send_closing_reminder"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- who is asked ----------------------------------------------------------------------


def audience_users(consultation: ConsultationPage) -> QuerySet:
    """Return the accounts the consultation asks: the estate's owners (and residents)."""
    units = Unit.objects.filter(building__estate=consultation.page_estate)
    return users_of_units(units, owners_only=consultation.audience == Audience.OWNERS)


def is_in_audience(user: AnyUser, consultation: ConsultationPage) -> bool:
    """Return whether the user is among those the consultation asks (permissions decides)."""
    return permissions.may(user, "respond_to_consultation", consultation)


def refusal(user: AnyUser, consultation: ConsultationPage, now=None) -> str | None:
    """Return why the user may not respond (or edit their response) now, or None."""
    if not consultation.live:
        return _("该征求意见尚未发布或已撤下。")
    phase = consultation.phase(now)
    if phase == Phase.UPCOMING:
        return _("征求意见尚未开始，将于 %(at)s 开始。") % {"at": _local(consultation.opens_at)}
    if phase == Phase.CLOSED:
        return _("征求意见已于 %(at)s 截止，不能再提交或修改意见。") % {
            "at": _local(consultation.closes_at)
        }
    if not is_in_audience(user, consultation):
        if consultation.audience == Audience.OWNERS:
            return _("本次征求意见仅面向本小区的认证业主。")
        return _("本次征求意见仅面向本小区的业主和住户。")
    return None


def owner_weights(user: User, estate: Any) -> tuple[int, int]:
    """Return the user's units and exclusive area in the register, as exact integer weights
    (ten-thousandths of a unit, millionths of a m²), counting co-owned units by share."""
    unit_weight = 0
    area_weight = 0
    rows = Ownership.objects.filter(
        identity__user=user, identity__estate=estate, ended_at__isnull=True
    ).values_list("share", "unit__exclusive_area")
    for share, area in rows:
        unit_weight += int(Decimal(share).scaleb(UNIT_SCALE))
        area_weight += int((Decimal(share) * Decimal(area)).scaleb(AREA_SCALE))
    return unit_weight, area_weight


# --- responding ------------------------------------------------------------------------


def _snapshot(response: Response) -> dict[str, Any]:
    return {
        "answers": [
            {"question": a.question_id, "choice": a.choice, "scale": a.scale, "text": a.text}
            for a in response.answers.order_by("question_id", "choice")
        ],
        "opinions": [
            {"section": o.section_anchor, "body": o.body}
            for o in response.opinions.order_by("section_anchor")
        ],
        "updated_at": response.updated_at.isoformat(),
    }


@transaction.atomic
def submit_response(
    consultation: ConsultationPage,
    user: User,
    *,
    answers: Mapping[int, Any],
    opinions: Mapping[str, str],
) -> Response:
    """Store (or replace) the user's one response: all of it, or nothing.

    Refused with a ValidationError naming every problem (and nothing stored) after the close,
    before the opening, for anyone outside the audience, and for any answer the questionnaire
    does not allow. A second submission before the close replaces the first; what it said
    before is kept in ResponseRevision.
    """
    reason = refusal(user, consultation)
    if reason:
        raise ValidationError(reason)
    questions = list(consultation.questions.all())
    sections = list(consultation.sections.all())
    clean = check_submission(questions, sections, answers, opinions)
    estate = consultation.page_estate
    unit_weight, area_weight = owner_weights(user, estate)
    now = timezone.now()
    headings = {s.anchor: s.heading for s in sections}

    response = (
        Response.objects.select_for_update().filter(consultation=consultation, user=user).first()
    )
    created = response is None
    if created:
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    consultation=consultation,
                    user=user,
                    unit_weight=unit_weight,
                    area_weight=area_weight,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as exc:
            # Two tabs raced: the first stands; ask the person to look at it.
            raise ValidationError(_("您的意见已经提交，请刷新页面后再修改。")) from exc
    else:
        ResponseRevision.objects.create(response=response, content=_snapshot(response))
        response.answers.all().delete()
        response.unit_weight, response.area_weight = unit_weight, area_weight
        response.updated_at = now
        response.edit_count += 1
        response.save(update_fields=["unit_weight", "area_weight", "updated_at", "edit_count"])

    Answer.objects.bulk_create(
        Answer(response=response, question=question, choice=choice, scale=scale, text=text)
        for question, choice, scale, text in clean.answers
    )
    existing = {o.section_anchor: o for o in response.opinions.all()} if not created else {}
    for anchor, opinion in existing.items():
        if anchor not in clean.opinions:
            opinion.delete()
    for anchor, body in clean.opinions.items():
        opinion = existing.get(anchor)
        heading = headings.get(anchor, "")
        if opinion is None:
            Opinion.objects.create(
                response=response,
                consultation=consultation,
                section_anchor=anchor,
                section_heading=heading,
                body=body,
                created_at=now,
                updated_at=now,
            )
        elif opinion.body != body or opinion.section_heading != heading:
            opinion.body, opinion.section_heading, opinion.updated_at = body, heading, now
            opinion.save(update_fields=["body", "section_heading", "updated_at"])
    audit.record(
        "consultation.responded" if created else "consultation.response_edited",
        actor=user,
        obj=consultation,
        estate=estate,
        response_id=response.pk,
        answers=len(clean.answers),
        opinions=len(clean.opinions),
    )
    return response


# --- the response report ---------------------------------------------------------------


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


# --- opening and reminders -------------------------------------------------------------


def _schedule(name: str, func: str, pk: int, run_at) -> Any:
    from django_q.models import Schedule

    schedule, _created = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": func,
            "args": repr((pk,)),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": run_at,
        },
    )
    return schedule


@transaction.atomic
def on_consultation_published(consultation: ConsultationPage, *, actor: User | None = None) -> None:
    """Audit a publication and schedule the opening notice and the reminder before the close.

    Called for every publication (re-publishing an edit moves the schedules); the dedupe keys
    keep anyone from being told twice. Already open: the opening notice goes out now.
    """
    if not consultation.live:
        return
    audit.record(
        "consultation.published",
        actor=actor,
        obj=consultation,
        estate=consultation.page_estate,
        opens_at=consultation.opens_at.isoformat(),
        closes_at=consultation.closes_at.isoformat(),
        audience=consultation.audience,
    )
    now = timezone.now()
    if consultation.phase(now) == Phase.OPEN:
        send_opening_notice(consultation)
    elif consultation.phase(now) == Phase.UPCOMING:
        _schedule(
            f"consultation:{consultation.pk}:opening",
            OPENING_TASK,
            consultation.pk,
            consultation.opens_at,
        )
    if consultation.reminder_at > max(now, consultation.opens_at):
        _schedule(
            f"consultation:{consultation.pk}:reminder",
            REMINDER_TASK,
            consultation.pk,
            consultation.reminder_at,
        )


def send_opening_notice(consultation: ConsultationPage) -> int:
    """Tell the audience the consultation is open; return how many were told (0 if not open)."""
    if not consultation.live or consultation.phase() != Phase.OPEN:
        return 0
    recipients = audience_users(consultation)
    count = recipients.count()
    notify(
        recipients,
        category="consultation",
        estate=consultation.page_estate,
        title=fit_title(_("征求意见：%(title)s") % {"title": consultation.title}),
        body=_("%(purpose)s 截止时间：%(at)s。")
        % {"purpose": consultation.purpose, "at": _local(consultation.closes_at)},
        url=consultation.url or "",
        dedupe_key=f"consultation:{consultation.pk}:opening",
    )
    return count


def send_closing_reminder(consultation: ConsultationPage) -> int:
    """Remind the audience members who have not responded; return how many were reminded."""
    if not consultation.live or consultation.phase() != Phase.OPEN:
        return 0
    responded = Response.objects.filter(consultation=consultation).values("user_id")
    recipients = audience_users(consultation).exclude(pk__in=responded)
    count = recipients.count()
    if count:
        notify(
            recipients,
            category="consultation",
            estate=consultation.page_estate,
            title=fit_title(_("征求意见即将截止：%(title)s") % {"title": consultation.title}),
            body=_("征求意见将于 %(at)s 截止，您还没有提交意见。")
            % {"at": _local(consultation.closes_at)},
            url=consultation.url or "",
            dedupe_key=f"consultation:{consultation.pk}:reminder",
        )
    audit.record(
        "consultation.reminded",
        obj=consultation,
        estate=consultation.page_estate,
        recipients=count,
    )
    return count
