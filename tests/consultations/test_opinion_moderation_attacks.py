"""A second hostile review of opinion moderation: what the author, a moderator of another
estate or a forged request can still do to a hidden opinion through the real views and actions.

A hidden opinion is frozen as a hidden post is (deliberation.actions.threads refuses to edit a
hidden post): its author may neither rewrite it (a restore would then show words no moderator
read) nor remove it or move its words to another section (a fresh opinion, shown at once).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from consultations import actions
from consultations.models import ConsultationIndexPage, Opinion
from deliberation.choices import ReportReason
from tests.consultations.conftest import make_consultation, question, section, valid_answers

pytestmark = pytest.mark.django_db

PHONE = "13900006688"
WORDS = f"3栋赵某长期占用消防通道停车，电话 {PHONE}，请依规处理。"


@pytest.fixture
def hidden(consultation, owner, moderator) -> Opinion:
    """王芳's opinion naming a neighbour, hidden by the moderator while the consultation runs."""
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: WORDS},
    )
    opinion = Opinion.objects.get(body__contains="消防通道")
    return actions.hide_opinion(opinion, moderator, reason=ReportReason.PERSONAL_INFO)


def shown_words() -> list[str]:
    return [o.body for o in Opinion.objects.filter(hidden_at__isnull=True, held_reason="")]


def test_moving_a_hidden_opinions_words_to_another_section_is_refused(consultation, hidden, owner):
    with pytest.raises(ValidationError, match="已被版主隐藏"):
        actions.submit_response(
            consultation, owner, answers=valid_answers(consultation), opinions={"": WORDS}
        )
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None
    assert not any(PHONE in body for body in shown_words())


def test_removing_then_resubmitting_a_hidden_opinion_does_not_show_it_again(
    consultation, hidden, owner
):
    answers = valid_answers(consultation)
    with pytest.raises(ValidationError, match="已被版主隐藏"):
        actions.submit_response(consultation, owner, answers=answers, opinions={})
    actions.submit_response(
        consultation, owner, answers=answers, opinions={section(consultation, 2).anchor: WORDS}
    )
    assert not any(PHONE in body for body in shown_words())
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None


def test_rewriting_a_hidden_opinion_is_refused_so_a_restore_shows_what_was_reviewed(
    consultation, hidden, owner, moderator
):
    anchor = section(consultation, 2).anchor
    with pytest.raises(ValidationError, match="已被版主隐藏"):
        actions.submit_response(
            consultation,
            owner,
            answers=valid_answers(consultation),
            opinions={anchor: "赵某的车牌是沪A12345，大家去找他。"},
        )
    kept = Opinion.objects.get(pk=hidden.pk)
    restored = actions.restore_opinion(kept, moderator, seen=kept.seen_fingerprint)
    assert PHONE in restored.body


def test_a_response_keeping_its_hidden_opinion_as_it_is_may_still_change_elsewhere(
    consultation, hidden, owner
):
    anchor = section(consultation, 2).anchor
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={anchor: WORDS, "": "总体赞成修订。"},
    )
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None
    assert Opinion.objects.filter(section_anchor="").exists()


def test_the_response_form_refuses_the_removal_beside_the_field(
    client, consultation, hidden, owner
):
    client.force_login(owner)
    response = client.post(
        consultation.subpage_url("respond"),
        {
            question(consultation, "single").field_name: "1",
            question(consultation, "multiple").field_name: ["1", "2"],
            "opinion-overall": WORDS,
        },
    )
    assert response.status_code == 400
    assert "该意见已被版主隐藏，不能修改或删除" in response.content.decode()
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None
    assert not Opinion.objects.filter(section_anchor="").exists()


def test_the_moderation_route_refuses_a_forged_post_without_the_csrf_token(
    consultation, hidden, moderator
):
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(moderator)
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=True):
        response = forged.post(
            consultation.subpage_url("moderate_opinion"),
            {"opinion": hidden.pk, "action": "restore", "seen": hidden.seen_fingerprint},
        )
    assert response.status_code == 403
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None


def test_a_moderator_of_another_estate_cannot_reach_an_opinion_through_their_own_page(
    client, consultation, hidden, committee_chair_b, estate_b
):
    """The opinion id of estate A posted to a consultation of estate B (where they moderate)."""
    other = make_consultation(ConsultationIndexPage.objects.descendant_of(estate_b.page).get())
    client.force_login(committee_chair_b)
    response = client.post(
        other.subpage_url("moderate_opinion"),
        {"opinion": hidden.pk, "action": "restore", "seen": hidden.seen_fingerprint},
    )
    assert response.status_code == 404
    assert Opinion.objects.get(pk=hidden.pk).hidden_at is not None
