"""The response report (意见采纳情况): every opinion marked, then published and told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from consultations import actions
from consultations.models import FollowUpLink, Opinion, ResponseReport
from portal.community.models import AuditEvent
from portal.notifications.models import Notification
from tests.consultations.conftest import section, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(consultation, owner, owner_building1):
    """王芳 comments on parking and overall; 李强 on decoration."""
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: "车位应抽签。", "": "总体赞成。"},
    )
    actions.submit_response(
        consultation,
        owner_building1,
        answers=valid_answers(consultation),
        opinions={section(consultation, 3).anchor: "装修时间太早。"},
    )
    return consultation


@pytest.fixture
def after_close(answered):
    with time_machine.travel(answered.closes_at + timedelta(hours=1), tick=True):
        yield answered


def _article(html: str) -> str:
    """Return the page's article (the header shows the reader's own masked name)."""
    return html[html.index("<article") : html.index("</article>")]


def _opinion(text: str) -> Opinion:
    return Opinion.objects.get(body__contains=text)


def _mark_all(consultation, actor):
    return actions.mark_opinions(
        consultation,
        {
            _opinion("车位应抽签").pk: ("adopted", ""),
            _opinion("总体赞成").pk: ("noted", ""),
            _opinion("装修时间太早").pk: ("not_adopted", "与市容管理规定冲突，维持 8:00。"),
        },
        actor=actor,
    )


def test_marking_before_the_close_is_refused(answered, committee_chair):
    with pytest.raises(ValidationError, match="截止后才能处理"):
        _mark_all(answered, committee_chair)
    assert not Opinion.objects.exclude(handling="").exists()


def test_not_adopted_and_partly_adopted_need_a_reason_and_nothing_is_saved(
    after_close, committee_chair
):
    marks = {
        _opinion("车位应抽签").pk: ("adopted", ""),
        _opinion("总体赞成").pk: ("partly", "  "),
        _opinion("装修时间太早").pk: ("not_adopted", ""),
    }
    with pytest.raises(ValidationError) as caught:
        actions.mark_opinions(after_close, marks, actor=committee_chair)
    assert caught.value.messages == [
        "第 2 条意见：“部分采纳”须说明理由。",
        "第 3 条意见：“不采纳”须说明理由。",
    ]
    assert not Opinion.objects.exclude(handling="").exists()


def test_a_handling_outside_the_list_is_refused(after_close, committee_chair):
    with pytest.raises(ValidationError, match="请选择处理结果"):
        actions.mark_opinions(
            after_close, {_opinion("车位应抽签").pk: ("maybe", "")}, actor=committee_chair
        )


def test_an_owner_may_not_mark_opinions(after_close, owner, property_manager):
    for user in (owner, property_manager):
        with pytest.raises(ValidationError, match="只有本小区业主委员会"):
            _mark_all(after_close, user)
    assert not Opinion.objects.exclude(handling="").exists()


def test_publication_is_refused_while_any_opinion_is_unmarked(after_close, committee_chair):
    actions.mark_opinions(
        after_close, {_opinion("车位应抽签").pk: ("adopted", "")}, actor=committee_chair
    )
    with pytest.raises(ValidationError) as caught:
        actions.publish_report(after_close, actor=committee_chair)
    assert caught.value.messages == ["还有 2 条意见尚未标注处理结果，全部标注后才能发布。"]
    assert not ResponseReport.objects.exists()


def test_publishing_tells_each_participant_how_their_own_opinions_were_handled(
    after_close, committee_chair, owner, owner_building1, django_capture_on_commit_callbacks
):
    _mark_all(after_close, committee_chair)
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_report(after_close, summary="感谢各位业主。", actor=committee_chair)
    key = f"consultation:{after_close.pk}:report"
    bodies = {
        n.user.display_name: n.batch.body
        for n in Notification.objects.filter(dedupe_key=key).select_related("batch", "user")
    }
    assert bodies == {
        "王芳": "您提出的意见中：采纳 1 条，已知悉 1 条。点击查看每条意见的处理情况和理由。",
        "李强": "您提出的意见中：不采纳 1 条。点击查看每条意见的处理情况和理由。",
    }
    assert AuditEvent.objects.filter(action="consultation.report_published").count() == 1

    # A retried fan-out tells nobody twice; a second publication is refused.
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_participants_of_handling(after_close)
    assert Notification.objects.filter(dedupe_key=key).count() == 2
    with pytest.raises(ValidationError, match="已经发布"):
        actions.publish_report(after_close, actor=committee_chair)


def test_after_publication_the_handling_cannot_change(after_close, committee_chair):
    _mark_all(after_close, committee_chair)
    actions.publish_report(after_close, actor=committee_chair)
    with pytest.raises(ValidationError, match="已经发布"):
        actions.mark_opinions(
            after_close, {_opinion("车位应抽签").pk: ("noted", "")}, actor=committee_chair
        )


def test_the_committee_marks_and_publishes_from_the_handling_page(
    client, after_close, committee_chair
):
    client.force_login(committee_chair)
    url = after_close.subpage_url("handling")
    page = client.get(url).content.decode()
    assert "还有 3 条意见未处理" in page
    parking, overall, decoration = (
        _opinion("车位应抽签"),
        _opinion("总体赞成"),
        _opinion("装修时间太早"),
    )
    data = {
        "opinion": [str(parking.pk), str(overall.pk), str(decoration.pk)],
        f"handling-{parking.pk}": "adopted",
        f"handling-{overall.pk}": "noted",
        f"handling-{decoration.pk}": "not_adopted",
        f"reason-{decoration.pk}": "",
        "publish": "1",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "第 3 条意见：“不采纳”须说明理由。" in refused.content.decode()
    assert not ResponseReport.objects.exists()

    data[f"reason-{decoration.pk}"] = "与市容管理规定冲突。"
    published = client.post(url, data, follow=True)
    html = published.content.decode()
    assert "采纳情况已发布" in html
    assert "与市容管理规定冲突。" in html
    assert ResponseReport.objects.filter(consultation=after_close).exists()


def test_the_report_lists_opinions_by_section_with_handling_and_masked_names(
    client, after_close, committee_chair, owner, estate_a
):
    _mark_all(after_close, committee_chair)
    after_close.follow_ups.add(FollowUpLink(label="提交 2027 年业主大会表决", url="/jinxiu/"))
    after_close.save()
    actions.publish_report(after_close, actor=committee_chair)

    client.force_login(owner)
    html = _article(client.get(after_close.subpage_url("report")).content.decode())
    assert html.index("第二章 停车管理") < html.index("车位应抽签") < html.index("第三章 装修管理")
    assert "与市容管理规定冲突，维持 8:00。" in html
    assert "我的意见" in html
    # Names are for the committee only (the default): readers see numbered participants.
    assert "参与人 1" in html and "王芳" not in html and "王*" not in html
    assert '<a href="/jinxiu/" rel="noopener">提交 2027 年业主大会表决</a>' in html
    # The owner's page shows how their own opinions were handled.
    page = client.get(after_close.url).content.decode()
    assert "您的意见处理情况" in page and "采纳" in page


def test_public_names_are_shown_masked(client, consultation_index, owner, committee_chair):
    from tests.consultations.conftest import make_consultation

    named = make_consultation(consultation_index, participant_visibility="public")
    actions.submit_response(named, owner, answers=valid_answers(named), opinions={"": "好。"})
    with time_machine.travel(named.closes_at + timedelta(hours=1), tick=True):
        actions.mark_opinions(
            named, {Opinion.objects.get().pk: ("noted", "")}, actor=committee_chair
        )
        actions.publish_report(named, actor=committee_chair)
        html = _article(client.get(named.subpage_url("report")).content.decode())
    assert "王*" in html and "王芳" not in html


def test_the_report_is_not_public_before_publication(client, after_close, owner, committee_chair):
    client.force_login(owner)
    assert client.get(after_close.subpage_url("report")).status_code == 404
    client.force_login(committee_chair)
    preview = client.get(after_close.subpage_url("report"))
    assert preview.status_code == 200
    assert "预览：采纳情况尚未发布" in preview.content.decode()
