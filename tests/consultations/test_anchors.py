"""Section anchors: given once, they survive reordering, heading edits and re-publishing."""

from __future__ import annotations

import pytest

from consultations import actions
from consultations.models import ConsultationPage, ConsultationSection
from tests.consultations.conftest import section, valid_answers

pytestmark = pytest.mark.django_db


def test_every_section_gets_a_distinct_anchor_when_first_saved(consultation):
    anchors = [s.anchor for s in consultation.sections.all()]
    assert all(a.startswith("s-") for a in anchors)
    assert len(set(anchors)) == 3


def test_anchors_survive_reordering_and_heading_edits(client, consultation, owner):
    parking = section(consultation, 2)
    actions.submit_response(
        consultation, owner, answers=valid_answers(consultation), opinions={parking.anchor: "甲"}
    )
    before = {s.pk: s.anchor for s in consultation.sections.all()}

    page = ConsultationPage.objects.get(pk=consultation.pk)
    sections = list(page.sections.all())
    sections[1].heading = "第二章 车辆停放管理"
    sections[0].sort_order, sections[1].sort_order = 1, 0
    page.sections = sections
    page.save_revision().publish()

    after = {s.pk: s.anchor for s in ConsultationSection.objects.filter(page=consultation)}
    assert after == before
    first = ConsultationPage.objects.get(pk=consultation.pk).sections.first()
    assert first.anchor == parking.anchor and first.heading == "第二章 车辆停放管理"
    client.force_login(owner)
    html = client.get(consultation.url).content.decode()
    assert f'<section class="prose consultation-section" id="{parking.anchor}">' in html
    assert html.index("第二章 车辆停放管理") < html.index("第一章 总则")


def test_an_opinion_on_a_removed_section_is_kept_under_its_old_heading(consultation, owner):
    from consultations import results

    decoration = section(consultation, 3)
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={decoration.anchor: "装修时间太早"},
    )
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.sections = [s for s in page.sections.all() if s.anchor != decoration.anchor]
    page.save_revision().publish()

    groups = results.opinions_by_section(consultation, list(consultation.sections.all()), labels={})
    removed = [g for g in groups if g.removed]
    assert [(g.heading, len(g.opinions)) for g in removed] == [("第三章 装修管理", 1)]
