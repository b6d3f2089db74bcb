"""Check a participant's submission against the questionnaire and the draft, before anything
is stored. Pure checks over the questions and sections given; no writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from consultations.choices import SCALE_MAX, SCALE_MIN, QuestionKind
from themes.sanitiser import clean_html, plain_text

TEXT_MAX = 2000
OPINION_MAX = 5000


@dataclass
class CleanSubmission:
    """The rows a valid submission becomes: answers as (question, choice, scale, text)."""

    answers: list[tuple[Any, int | None, int | None, str]] = field(default_factory=list)
    opinions: dict[str, str] = field(default_factory=dict)  # anchor ("" overall) → clean HTML

    @property
    def is_empty(self) -> bool:
        return not self.answers and not self.opinions


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def opinion_field_name(anchor: str) -> str:
    """Return the form field of an opinion: on a section ("opinion-<anchor>") or overall."""
    return f"opinion-{anchor}" if anchor else "opinion-overall"


def _label(question: Any) -> str:
    return f"「{question.text}」"


def check_answer(question: Any, raw: Any) -> tuple[list[tuple], str | None]:
    """Return the answer rows for one question, or an error message (in Chinese)."""
    values = _as_list(raw)
    if question.kind == QuestionKind.TEXT:
        text = "\n".join(values).strip()
        if not text:
            return [], (
                _("%(q)s为必答题，请作答。") % {"q": _label(question)}
            ) if question.required else None
        if len(text) > TEXT_MAX:
            return [], _("%(q)s的回答不能超过 %(n)d 字。") % {"q": _label(question), "n": TEXT_MAX}
        return [(question, None, None, text)], None
    if not values:
        if question.required:
            return [], _("%(q)s为必答题，请作答。") % {"q": _label(question)}
        return [], None
    if question.kind == QuestionKind.SCALE:
        if len(values) != 1 or not values[0].lstrip("-").isdigit():
            return [], _("%(q)s的评分须是 %(min)d 到 %(max)d 之间的整数。") % {
                "q": _label(question),
                "min": SCALE_MIN,
                "max": SCALE_MAX,
            }
        score = int(values[0])
        if not SCALE_MIN <= score <= SCALE_MAX:
            return [], _("%(q)s的评分须在 %(min)d 到 %(max)d 之间。") % {
                "q": _label(question),
                "min": SCALE_MIN,
                "max": SCALE_MAX,
            }
        return [(question, None, score, "")], None
    # Single or multiple choice: ids are the options' positions (1-based).
    valid_ids = {choice_id for choice_id, _label_text in question.option_pairs()}
    chosen: list[int] = []
    for value in values:
        if not value.isdigit() or int(value) not in valid_ids:
            return [], _("%(q)s：所选选项不属于本题，请重新选择。") % {"q": _label(question)}
        if int(value) not in chosen:
            chosen.append(int(value))
    if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
        return [], _("%(q)s只能选择一项。") % {"q": _label(question)}
    too_many = question.max_choices and len(chosen) > question.max_choices
    if question.kind == QuestionKind.MULTIPLE and too_many:
        return [], _("%(q)s最多可选 %(max)d 项，您选择了 %(n)d 项。") % {
            "q": _label(question),
            "max": question.max_choices,
            "n": len(chosen),
        }
    return [(question, choice, None, "") for choice in sorted(chosen)], None


def check_submission(
    questions: Sequence[Any],
    sections: Iterable[Any],
    answers: Mapping[int, Any],
    opinions: Mapping[str, str],
) -> CleanSubmission:
    """Return the clean rows of a submission; raise ValidationError listing every problem.

    The error is keyed by form field (see `opinion_field_name`, `Question.field_name`), so
    `.message_dict` places each message beside its field and `.messages` lists them all.

    `answers` maps question ids to the raw value(s) posted; `opinions` maps section anchors
    ("" for the overall opinion) to the text written. Opinions go through the one sanitiser.
    """
    # Keyed by the form field each problem belongs to ("q<pk>", "opinion-<anchor>", or
    # NON_FIELD_ERRORS), so the page can put each message beside its field and link to it.
    errors: dict[str, list[str]] = {}
    clean = CleanSubmission()
    known = {q.pk for q in questions}
    if any(int(pk) not in known for pk in answers):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("提交的回答中有不属于本问卷的问题，请刷新页面后重试。")
        )
    for question in questions:
        rows, error = check_answer(question, answers.get(question.pk))
        if error:
            errors.setdefault(question.field_name, []).append(error)
        clean.answers.extend(rows)
    anchors = {section.anchor: section for section in sections}
    for anchor, text in opinions.items():
        if anchor and anchor not in anchors:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("您评论的章节不存在，可能已被修改，请刷新页面后重试。")
            )
            continue
        body = clean_html(text or "")
        if not plain_text(body).strip():
            continue
        if len(plain_text(body)) > OPINION_MAX:
            heading = anchors[anchor].heading if anchor else _("总体意见")
            errors.setdefault(opinion_field_name(anchor), []).append(
                _("对「%(s)s」的意见不能超过 %(n)d 字。") % {"s": heading, "n": OPINION_MAX}
            )
            continue
        clean.opinions[anchor] = body
    if not errors and clean.is_empty:
        errors[NON_FIELD_ERRORS] = [_("请至少回答一道题或提出一条意见。")]
    if errors:
        raise ValidationError(errors)
    return clean
