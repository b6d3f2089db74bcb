"""Responding: one response per participant, all or nothing, editable until the close."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations import actions
from consultations.models import Answer, Opinion, Response, ResponseRevision
from portal.community.models import AuditEvent
from tests.consultations.conftest import make_consultation, question, section, valid_answers

pytestmark = pytest.mark.django_db


def _nothing_stored():
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert Opinion.objects.count() == 0


def test_owner_responds_with_answers_and_an_opinion_on_a_section(consultation, owner):
    parking = section(consultation, 2)
    response = actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={parking.anchor: "地面车位应按抽签分配。", "": "总体赞成。"},
    )
    assert response.user == owner
    chosen = set(
        Answer.objects.filter(question=question(consultation, "multiple")).values_list(
            "choice", flat=True
        )
    )
    assert chosen == {1, 2}
    opinions = {o.section_anchor: o for o in Opinion.objects.filter(response=response)}
    assert set(opinions) == {parking.anchor, ""}
    assert opinions[parking.anchor].section_heading == "第二章 停车管理"
    assert AuditEvent.objects.filter(action="consultation.responded", actor=owner).exists()


def test_editing_before_the_close_replaces_the_response_and_keeps_its_history(consultation, owner):
    parking = section(consultation, 2)
    first = actions.submit_response(
        consultation, owner, answers=valid_answers(consultation), opinions={parking.anchor: "甲"}
    )
    answers = valid_answers(consultation) | {question(consultation, "single").pk: "2"}
    second = actions.submit_response(
        consultation, owner, answers=answers, opinions={section(consultation, 3).anchor: "乙"}
    )
    assert second.pk == first.pk
    assert Response.objects.count() == 1
    assert second.edit_count == 1
    assert Answer.objects.get(question=question(consultation, "single")).choice == 2
    assert list(Opinion.objects.values_list("section_anchor", flat=True)) == [
        section(consultation, 3).anchor
    ]
    revision = ResponseRevision.objects.get(response=second)
    assert revision.content["opinions"] == [{"section": parking.anchor, "body": "甲"}]


def test_the_database_allows_one_response_per_participant(consultation, owner):
    Response.objects.create(consultation=consultation, user=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(consultation=consultation, user=owner)


def test_responding_after_the_close_is_refused_and_nothing_stored(consultation, owner):
    with (
        time_machine.travel(consultation.closes_at + timedelta(minutes=1)),
        pytest.raises(ValidationError, match="已于 .* 截止"),
    ):
        actions.submit_response(
            consultation, owner, answers=valid_answers(consultation), opinions={}
        )
    _nothing_stored()


def test_responding_before_the_opening_is_refused(consultation_index, owner):
    upcoming = make_consultation(
        consultation_index, opens_in=timedelta(days=2), closes_in=timedelta(days=9)
    )
    with pytest.raises(ValidationError, match="尚未开始"):
        actions.submit_response(upcoming, owner, answers=valid_answers(upcoming), opinions={})
    _nothing_stored()


def test_editing_after_the_close_is_refused_and_the_response_kept(consultation, owner):
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    with time_machine.travel(consultation.closes_at + timedelta(seconds=1)):
        answers = valid_answers(consultation) | {question(consultation, "single").pk: "2"}
        with pytest.raises(ValidationError, match="不能再提交或修改"):
            actions.submit_response(consultation, owner, answers=answers, opinions={})
    assert Answer.objects.get(question=question(consultation, "single")).choice == 1
    assert ResponseRevision.objects.count() == 0


def test_a_tenant_is_refused_when_the_audience_is_owners(consultation, tenant):
    with pytest.raises(ValidationError, match="仅面向本小区的认证业主"):
        actions.submit_response(
            consultation, tenant, answers=valid_answers(consultation), opinions={}
        )
    _nothing_stored()


def test_a_tenant_may_respond_when_the_audience_is_all_residents(consultation_index, tenant):
    open_to_all = make_consultation(consultation_index, audience="residents")
    response = actions.submit_response(
        open_to_all, tenant, answers=valid_answers(open_to_all), opinions={}
    )
    assert response.unit_weight == 0 and response.area_weight == 0


def test_an_owner_of_another_estate_is_refused(consultation, outsider):
    with pytest.raises(ValidationError, match="认证业主"):
        actions.submit_response(
            consultation, outsider, answers=valid_answers(consultation), opinions={}
        )
    _nothing_stored()


def test_a_choice_not_in_the_question_is_refused_and_nothing_stored(consultation, owner):
    answers = valid_answers(consultation) | {question(consultation, "single").pk: "9"}
    with pytest.raises(ValidationError, match="所选选项不属于本题") as caught:
        actions.submit_response(
            consultation, owner, answers=answers, opinions={section(consultation, 1).anchor: "好"}
        )
    assert caught.value.messages == ["「您是否赞成修订草案？」：所选选项不属于本题，请重新选择。"]
    _nothing_stored()


def test_a_bad_edit_leaves_the_earlier_response_untouched(consultation, owner):
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    answers = valid_answers(consultation) | {question(consultation, "multiple").pk: ["1", "x"]}
    with pytest.raises(ValidationError):
        actions.submit_response(consultation, owner, answers=answers, opinions={"": "新意见"})
    assert Answer.objects.filter(question=question(consultation, "multiple")).count() == 2
    assert Opinion.objects.count() == 0


def test_too_many_choices_are_refused(consultation, owner):
    answers = valid_answers(consultation) | {question(consultation, "multiple").pk: ["1", "2", "3"]}
    with pytest.raises(ValidationError) as caught:
        actions.submit_response(consultation, owner, answers=answers, opinions={})
    assert caught.value.messages == ["「您最关心哪些条款？」最多可选 2 项，您选择了 3 项。"]
    _nothing_stored()


def test_two_choices_on_a_single_choice_question_are_refused(consultation, owner):
    answers = valid_answers(consultation) | {question(consultation, "single").pk: ["1", "2"]}
    with pytest.raises(ValidationError, match="只能选择一项"):
        actions.submit_response(consultation, owner, answers=answers, opinions={})
    _nothing_stored()


@pytest.mark.parametrize("score", ["0", "6", "-1", "3.5", "五"])
def test_a_score_outside_one_to_five_is_refused(consultation, owner, score):
    answers = valid_answers(consultation) | {question(consultation, "scale").pk: score}
    with pytest.raises(ValidationError, match="评分须"):
        actions.submit_response(consultation, owner, answers=answers, opinions={})
    _nothing_stored()


def test_every_missing_required_answer_is_listed(consultation, owner):
    with pytest.raises(ValidationError) as caught:
        actions.submit_response(consultation, owner, answers={}, opinions={"": "只写意见"})
    assert caught.value.messages == [
        "「您是否赞成修订草案？」为必答题，请作答。",
        "「您最关心哪些条款？」为必答题，请作答。",
    ]
    _nothing_stored()


def test_optional_questions_may_be_left_blank(consultation, owner):
    answers = {
        question(consultation, "single").pk: "3",
        question(consultation, "multiple").pk: ["4"],
    }
    actions.submit_response(consultation, owner, answers=answers, opinions={})
    assert Answer.objects.count() == 2


def test_an_opinion_on_an_unknown_section_is_refused(consultation, owner):
    with pytest.raises(ValidationError, match="章节不存在"):
        actions.submit_response(
            consultation, owner, answers=valid_answers(consultation), opinions={"s-nope": "x"}
        )
    _nothing_stored()


def test_opinions_go_through_the_one_sanitiser(consultation, owner):
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={"": '<script>alert(1)</script><a href="https://example.cn" onclick="x">链接</a>'},
    )
    body = Opinion.objects.get().body
    assert "<script" not in body and "onclick" not in body
    assert 'rel="nofollow ugc noopener"' in body


def test_the_response_form_refuses_bad_input_with_the_message_and_stores_nothing(
    client, consultation, owner
):
    client.force_login(owner)
    single = question(consultation, "single")
    parking = section(consultation, 2)
    response = client.post(
        consultation.subpage_url("respond"),
        {single.field_name: "7", f"opinion-{parking.anchor}": "车位太少"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交未成功" in html
    assert "所选选项不属于本题" in html
    assert "「您最关心哪些条款？」为必答题，请作答。" in html
    assert "车位太少" in html  # what they wrote is shown again, not lost
    _nothing_stored()


def test_the_response_form_saves_and_shows_the_saved_answers(client, consultation, owner):
    client.force_login(owner)
    single = question(consultation, "single")
    multiple = question(consultation, "multiple")
    response = client.post(
        consultation.subpage_url("respond"),
        {single.field_name: "2", multiple.field_name: ["1", "3"], "opinion-overall": "一\n二"},
        follow=True,
    )
    html = response.content.decode()
    assert "您的意见已提交" in html
    assert "修改我的意见" in html
    assert f'name="{single.field_name}" value="2" checked' in html
    assert "一\n二</textarea>" in html


def test_after_the_close_the_page_shows_the_response_read_only(client, consultation, owner):
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    client.force_login(owner)
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        html = client.get(consultation.url).content.decode()
    assert "截止后不能再修改" in html
    assert 'id="response-form"' not in html


def test_the_index_lists_consultations_with_their_phase(client, consultation, owner):
    client.force_login(owner)
    html = client.get(consultation.get_parent().url).content.decode()
    assert consultation.title in html
    assert "征求意见中" in html
    assert timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d") in html


def test_an_anonymous_reader_reads_the_draft_and_is_asked_to_log_in(client, consultation):
    html = client.get(consultation.url).content.decode()
    assert "第二章 停车管理" in html
    assert "请先登录，再提交意见。" in html
    assert 'id="response-form"' not in html
    assert client.post(consultation.subpage_url("respond"), {}).status_code == 302
    assert Response.objects.count() == 0


def test_the_consultation_page_links_its_discussion_apart_from_the_opinions(
    client, consultation, owner
):
    from deliberation import actions as deliberation

    deliberation.start_thread(
        consultation.page_estate,
        owner,
        kind="topic",
        title="停车条款应区分产权车位",
        body="<p>建议在讨论区先交流停车条款。</p>",
        page=consultation,
    )
    client.force_login(owner)
    html = client.get(consultation.url).content.decode()
    assert "停车条款应区分产权车位" in html and "发起讨论" in html


def test_a_refused_response_puts_an_error_summary_first_linking_to_each_field(
    client, consultation, owner
):
    client.force_login(owner)
    single = question(consultation, "single")
    multiple = question(consultation, "multiple")
    response = client.post(
        consultation.subpage_url("respond"),
        {single.field_name: "1", multiple.field_name: ["1", "2", "3"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary_at = html.index("data-error-summary")
    assert summary_at < html.index("<h1") < html.index('id="response-form"')
    # The link goes to the question's first box, which exists, and the message sits beside it.
    link = f'<a href="#{multiple.field_name}-1">「您最关心哪些条款？」最多可选 2 项，您选择了 3 项。</a>'
    assert link in html
    assert f'id="{multiple.field_name}-1"' in html
    assert f'aria-describedby="{multiple.field_name}-error"' in html
    assert f'id="{multiple.field_name}-error"' in html
    # What was ticked is kept, all three, so the person unticks one rather than starting over.
    for choice in ("1", "2", "3"):
        assert f'name="{multiple.field_name}" value="{choice}" checked' in html
    assert f'data-max-choices="{multiple.max_choices}"' in html
    _nothing_stored()
