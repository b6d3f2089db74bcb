"""Responding to a consultation: one response per person, revisable until the close, each
revision kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.actions.audience import owner_weights, refusal
from consultations.actions.moderation import (
    notify_moderators_of_answer_hold,
    notify_moderators_of_hold,
    screen,
)
from consultations.answers import check_submission, opinion_field_name
from consultations.models import Answer, ConsultationPage, Opinion, Response, ResponseRevision
from portal.community import audit

if TYPE_CHECKING:
    from portal.accounts.types import User


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
    before is kept in ResponseRevision. A new or changed opinion or text answer with a
    sensitive word, or in an estate with pre-moderation, waits for a moderator (as a post
    does); the response counts in the figures meanwhile.
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
        _refuse_changing_hidden(response, clean.opinions)
        _refuse_changing_hidden_answers(response, clean.answers)
        ResponseRevision.objects.create(response=response, content=_snapshot(response))
        # Choices and scores are replaced; text answers are kept in place (their moderation
        # and the notifications about them refer to them), see _save_text_answers.
        response.answers.filter(text="").delete()
        response.unit_weight, response.area_weight = unit_weight, area_weight
        response.updated_at = now
        response.edit_count += 1
        response.save(update_fields=["unit_weight", "area_weight", "updated_at", "edit_count"])

    held_answers = _save_text_answers(
        response, clean.answers, estate=estate, user=user, created=created
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=question, choice=choice, scale=scale)
        for question, choice, scale, text in clean.answers
        if not text
    )
    held = _save_opinions(
        response, clean.opinions, headings, estate=estate, user=user, now=now, created=created
    )
    audit.record(
        "consultation.responded" if created else "consultation.response_edited",
        actor=user,
        obj=consultation,
        estate=estate,
        response_id=response.pk,
        answers=len(clean.answers),
        opinions=len(clean.opinions),
        held=len(held),
        held_answers=len(held_answers),
    )
    for opinion in held:
        notify_moderators_of_hold(opinion, estate=estate, actor=user)
    for answer in held_answers:
        notify_moderators_of_answer_hold(answer, estate=estate, actor=user)
    return response


def _refuse_changing_hidden_answers(response: Response, answers: list[tuple]) -> None:
    """Refuse a submission that rewrites or removes a text answer a moderator hid, as for
    opinions: a restore must show the words the moderator reviewed."""
    texts = {question.pk: text for question, _choice, _scale, text in answers if text}
    errors = {
        f"q{answer.question_id}": _("该回答已被版主隐藏，不能修改或删除；如有异议，请联系版主。")
        for answer in response.answers.filter(hidden_at__isnull=False).exclude(text="")
        if texts.get(answer.question_id) != answer.text
    }
    if errors:
        raise ValidationError(errors)


def _save_text_answers(
    response: Response, answers: list[tuple], *, estate: Any, user: User, created: bool
) -> list[Answer]:
    """Store the response's text answers in place; return those now waiting for a moderator.

    An unchanged answer keeps its state; new or changed words are screened as an opinion's
    (a held answer stays held until approved); a hidden one was refused above if changed.
    """
    texts = {question.pk: (question, text) for question, _choice, _scale, text in answers if text}
    existing = {} if created else {a.question_id: a for a in response.answers.exclude(text="")}
    for question_id, answer in existing.items():
        if question_id not in texts:
            answer.delete()
    held: list[Answer] = []
    for question_id, (question, text) in texts.items():
        answer = existing.get(question_id)
        if answer is None:
            answer = Answer.objects.create(
                response=response,
                question=question,
                text=text,
                held_reason=screen(estate, user, text) if estate else "",
            )
            if answer.held_reason:
                held.append(answer)
        elif answer.text != text:
            if not answer.held_reason and estate is not None:
                answer.held_reason = screen(estate, user, text)
                if answer.held_reason:
                    held.append(answer)
            answer.text = text
            answer.save(update_fields=["text", "held_reason"])
    return held


def _refuse_changing_hidden(response: Response, opinions: Mapping[str, str]) -> None:
    """Refuse a submission that rewrites or removes an opinion a moderator hid, as a hidden
    post cannot be edited: a restore must show the words the moderator reviewed, and removing
    or moving them would bring them back as a fresh opinion, shown at once."""
    errors = {
        opinion_field_name(opinion.section_anchor): _(
            "该意见已被版主隐藏，不能修改或删除；如有异议，请联系版主。"
        )
        for opinion in response.opinions.filter(hidden_at__isnull=False)
        if opinions.get(opinion.section_anchor) != opinion.body
    }
    if errors:
        raise ValidationError(errors)


def _save_opinions(
    response: Response,
    opinions: Mapping[str, str],
    headings: Mapping[str, str],
    *,
    estate: Any,
    user: User,
    now: Any,
    created: bool,
) -> list[Opinion]:
    """Store the response's opinions as submitted; return those now waiting for a moderator."""
    held: list[Opinion] = []
    existing = {o.section_anchor: o for o in response.opinions.all()} if not created else {}
    for anchor, opinion in existing.items():
        if anchor not in opinions:
            opinion.delete()
    for anchor, body in opinions.items():
        opinion = existing.get(anchor)
        heading = headings.get(anchor, "")
        if opinion is None:
            opinion = Opinion.objects.create(
                response=response,
                consultation_id=response.consultation_id,
                section_anchor=anchor,
                section_heading=heading,
                body=body,
                created_at=now,
                updated_at=now,
                held_reason=screen(estate, user, body) if estate else "",
            )
            if opinion.held_reason:
                held.append(opinion)
        elif opinion.body != body or opinion.section_heading != heading:
            if opinion.body != body and not opinion.held_reason and estate is not None:
                # Changed words are screened again; a held opinion stays held until approved.
                opinion.held_reason = screen(estate, user, body)
                if opinion.held_reason:
                    held.append(opinion)
            opinion.body, opinion.section_heading, opinion.updated_at = body, heading, now
            opinion.save(update_fields=["body", "section_heading", "updated_at", "held_reason"])
    return held
