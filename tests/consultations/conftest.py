"""Consultations test helpers: a consultation maker (sections, questions) and its index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import (
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationSection,
)

SECTIONS = (
    ("第一章 总则", "<p>本规约适用于锦绣花园全体业主和物业使用人。</p>"),
    ("第二章 停车管理", "<p>地面车位优先出租给本小区业主，每户限租一个。</p>"),
    ("第三章 装修管理", "<p>装修施工时间为工作日 8:00–12:00、14:00–18:00。</p>"),
)


@pytest.fixture
def consultation_index(estate_a) -> ConsultationIndexPage:
    return ConsultationIndexPage.objects.descendant_of(estate_a.page).get()


def make_consultation(
    index: ConsultationIndexPage,
    *,
    title: str = "《锦绣花园管理规约（修订草案）》征求意见",
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta = timedelta(days=7),
    questions: list[dict] | None = None,
    publish: bool = True,
    publish_by=None,
    **fields,
) -> ConsultationPage:
    """Create a consultation with three sections and (by default) four questions."""
    now = timezone.now()
    fields.setdefault("purpose", "修订管理规约，请业主对停车和装修条款提出意见。")
    page = ConsultationPage(
        title=title, opens_at=now + opens_in, closes_at=now + closes_in, **fields
    )
    for order, (heading, body) in enumerate(SECTIONS):
        page.sections.add(ConsultationSection(heading=heading, body=body, sort_order=order))
    if questions is None:
        questions = [
            {"kind": "single", "text": "您是否赞成修订草案？", "choices": "赞成\n反对\n无所谓"},
            {
                "kind": "multiple",
                "text": "您最关心哪些条款？",
                "choices": "停车\n装修\n宠物\n垃圾分类",
                "max_choices": 2,
            },
            {"kind": "scale", "text": "您对现行物业服务的满意度", "required": False},
            {"kind": "text", "text": "其他建议", "required": False},
        ]
    for order, question in enumerate(questions):
        page.questions.add(ConsultationQuestion(sort_order=order, **question))
    index.add_child(instance=page)
    revision = page.save_revision(user=publish_by)
    if publish:
        revision.publish(user=publish_by)
    return ConsultationPage.objects.get(pk=page.pk)


def question(consultation: ConsultationPage, kind: str) -> ConsultationQuestion:
    return consultation.questions.get(kind=kind)


def section(consultation: ConsultationPage, number: int) -> ConsultationSection:
    return list(consultation.sections.all())[number - 1]


def valid_answers(consultation: ConsultationPage) -> dict[int, object]:
    return {
        question(consultation, "single").pk: "1",
        question(consultation, "multiple").pk: ["1", "2"],
        question(consultation, "scale").pk: "4",
        question(consultation, "text").pk: "希望增加充电桩。",
    }


@pytest.fixture
def consultation(consultation_index) -> ConsultationPage:
    return make_consultation(consultation_index)
