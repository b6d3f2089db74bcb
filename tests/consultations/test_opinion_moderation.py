"""A hostile audit of a consultation opinion's copies under moderation (consultations.visibility).

An opinion names a neighbour and their mobile number. A moderator hides it through the real
action; every copy a neighbour can reach (the results page, the published report, the
exports, the inbox, supports) shows the placeholder instead, while the opinion still counts
in the figures and the committee's handling and reason are still published: one row per
opinion. Its author, the moderators and the committee read it, marked. Opinions with a
sensitive word or under pre-moderation wait for a moderator, as posts do.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import actions, results
from consultations.models import Opinion
from deliberation.choices import ReportReason
from deliberation.models import DeliberationSettings, SensitiveWord
from portal.accounts.export import personal_data
from portal.community.models import AuditEvent
from portal.notifications.models import NotificationBatch
from portal.notifications.subjects import message_for
from proposals import actions as proposal_actions
from proposals.choices import SupportTarget
from tests.consultations.conftest import section, valid_answers

pytestmark = pytest.mark.django_db

PHONE = "13900006688"
WORDS = f"3栋赵某长期占用消防通道停车，电话 {PHONE}，请依规处理。"
PLACEHOLDER = "该意见已被版主隐藏（泄露个人信息（如手机号））"
HANDLING_REASON = "消防通道禁止停车的条款已写入第二章第五条。"


@pytest.fixture
def responded(consultation, owner, owner_building1):
    """王芳 writes the opinion naming a neighbour; 李强 writes a harmless one."""
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: WORDS},
    )
    actions.submit_response(
        consultation,
        owner_building1,
        answers=valid_answers(consultation),
        opinions={"": "总体赞成修订。"},
    )
    return consultation


@pytest.fixture
def closed(responded):
    with time_machine.travel(responded.closes_at + timedelta(hours=1), tick=True):
        yield responded


def the_opinion() -> Opinion:
    return Opinion.objects.get(body__contains="消防通道")


def hide(moderator) -> Opinion:
    return actions.hide_opinion(the_opinion(), moderator, reason=ReportReason.PERSONAL_INFO)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode("utf-8-sig")


def publish(consultation, chair):
    actions.save_handling(
        consultation,
        {
            the_opinion().pk: ("adopted", HANDLING_REASON),
            Opinion.objects.get(body__contains="总体赞成").pk: ("noted", ""),
        },
        actor=chair,
        publish=True,
    )


# --- the moderator's act ------------------------------------------------------------------------


def test_only_a_moderator_of_the_estate_may_hide_an_opinion(responded, owner_building1, outsider):
    for user in (owner_building1, outsider):
        with pytest.raises(PermissionDenied):
            actions.hide_opinion(the_opinion(), user, reason=ReportReason.PERSONAL_INFO)
    assert the_opinion().hidden_at is None


def test_hiding_needs_a_reason_from_the_posts_list(responded, moderator):
    with pytest.raises(ValidationError, match="隐藏原因"):
        actions.hide_opinion(the_opinion(), moderator, reason="不喜欢")
    assert the_opinion().hidden_at is None


def test_hiding_and_restoring_are_audited_and_the_author_is_told_without_a_copy(
    client, responded, moderator, owner
):
    hide(moderator)
    assert AuditEvent.objects.filter(action="consultation.opinion_hidden", actor=moderator).exists()
    told = NotificationBatch.objects.get(dedupe_key__contains=":hidden:")
    assert told.recipient_ids == [owner.pk] and told.subject == the_opinion()
    assert PHONE not in told.title + told.body
    # The link opens for the author now, not only once the report is published.
    assert told.url.endswith("#my-response")
    page(client, owner, told.url.split("#")[0])
    assert client.get(responded.subpage_url("report")).status_code == 404
    assert PLACEHOLDER in message_for(told).body  # the inbox reads the state as it stands

    opinion = the_opinion()
    actions.restore_opinion(opinion, moderator, seen=opinion.seen_fingerprint)
    assert AuditEvent.objects.filter(action="consultation.opinion_restored").exists()
    assert PLACEHOLDER not in message_for(told).body
    assert NotificationBatch.objects.filter(dedupe_key__contains=":restored:").exists()


def test_the_report_page_form_hides_and_restores_for_moderators_only(
    client, closed, moderator, owner_building1
):
    url = closed.subpage_url("moderate_opinion")
    client.force_login(owner_building1)
    data = {"opinion": the_opinion().pk, "action": "hide", "reason": "personal_info"}
    assert client.post(url, data).status_code == 403
    assert the_opinion().hidden_at is None
    client.force_login(moderator)
    assert client.post(url, data).status_code == 302
    assert the_opinion().hidden_reason == "personal_info"
    seen = the_opinion().seen_fingerprint
    client.post(url, {"opinion": the_opinion().pk, "action": "restore", "seen": seen})
    assert the_opinion().hidden_at is None


# --- every copy follows the hiding -------------------------------------------------------------


def test_the_published_report_keeps_the_row_its_handling_and_reason_but_not_the_words(
    client, closed, moderator, committee_chair, owner_building1, owner
):
    hide(moderator)
    publish(closed, committee_chair)
    text = page(client, owner_building1, closed.subpage_url("report"))
    assert PHONE not in text and "赵某" not in text
    assert PLACEHOLDER in text and HANDLING_REASON in text
    assert text.count('<li class="opinion') == Opinion.objects.filter(consultation=closed).count()
    # The author reads their own words, marked as hidden.
    own = page(client, owner, closed.subpage_url("report"))
    assert PHONE in own and PLACEHOLDER in own and "仅作者、版主和业主委员会可见" in own


def test_the_results_page_shows_the_placeholder_and_still_counts_the_opinion(
    client, closed, moderator, owner_building1
):
    hide(moderator)
    text = page(client, owner_building1, closed.subpage_url("results"))
    assert PHONE not in text and PLACEHOLDER in text
    figures = results.compute(closed, show_names=False)
    assert figures.respondents == 2 and figures.opinion_count == 2


def test_the_exports_carry_the_placeholder_even_for_the_committee(
    client, closed, moderator, committee_chair
):
    hide(moderator)
    for route in ("results_csv", "results_xlsx"):
        client.force_login(committee_chair)
        body = client.get(closed.subpage_url(route)).content
        if route == "results_csv":
            text = body.decode("utf-8-sig")
            assert PHONE not in text and PLACEHOLDER in text
        else:
            assert PHONE.encode() not in body


def test_the_committee_still_handles_a_hidden_opinion_reading_it_marked(
    client, closed, moderator, committee_chair
):
    hide(moderator)
    text = page(client, committee_chair, closed.subpage_url("handling"))
    assert PHONE in text and PLACEHOLDER in text and "原文仅供处理，不公开" in text
    publish(closed, committee_chair)  # a hidden opinion is marked like any other
    assert the_opinion().handling == "adopted"


def test_a_hidden_opinion_takes_no_support(closed, moderator, committee_chair, owner_building1):
    hide(moderator)
    publish(closed, committee_chair)
    with pytest.raises(ValidationError, match="该意见目前不显示"):
        proposal_actions.support(SupportTarget.OPINION, the_opinion(), owner_building1)


def test_the_authors_data_copy_keeps_their_words_and_says_what_others_read(
    responded, moderator, owner
):
    hide(moderator)
    data = json.dumps(personal_data(owner), ensure_ascii=False, default=str)
    assert PHONE in data and PLACEHOLDER in data


def test_restoring_brings_the_words_back_to_the_report(
    client, closed, moderator, committee_chair, owner_building1
):
    hide(moderator)
    publish(closed, committee_chair)
    opinion = the_opinion()
    actions.restore_opinion(opinion, moderator, seen=opinion.seen_fingerprint)
    text = page(client, owner_building1, closed.subpage_url("report"))
    assert PHONE in text and PLACEHOLDER not in text


# --- held for a moderator, as posts -------------------------------------------------------------


def test_an_opinion_with_a_sensitive_word_waits_for_a_moderator(
    client, consultation, estate_a, owner, owner_building1, moderator
):
    SensitiveWord.objects.create(estate=estate_a, word="赵某")
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: WORDS},
    )
    opinion = the_opinion()
    assert opinion.held_reason
    told = NotificationBatch.objects.get(dedupe_key__contains=":held:")
    assert moderator.pk in told.recipient_ids and PHONE not in told.title + told.body
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=True):
        text = page(client, owner_building1, consultation.subpage_url("results"))
        assert PHONE not in text and "该意见待版主审核" in text
        assert "审核通过" in page(client, moderator, consultation.subpage_url("report"))
        actions.restore_opinion(opinion, moderator, seen=opinion.seen_fingerprint)
        assert AuditEvent.objects.filter(action="consultation.opinion_approved").exists()
        assert PHONE in page(client, owner_building1, consultation.subpage_url("results"))


def test_under_premoderation_every_opinion_waits_and_a_clean_edit_stays_held(
    consultation, estate_a, owner
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    anchor = section(consultation, 2).anchor
    answers = valid_answers(consultation)
    actions.submit_response(consultation, owner, answers=answers, opinions={anchor: "车位抽签。"})
    assert Opinion.objects.get().held_reason
    actions.submit_response(consultation, owner, answers=answers, opinions={anchor: "车位摇号。"})
    assert Opinion.objects.get().held_reason


def test_withheld_opinions_cost_no_query_each_on_the_handling_page(
    client, closed, moderator, committee_chair
):
    """Whether a withheld opinion is readable asks whose it is: the respondents come with the
    opinions, so a second hidden opinion adds no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_the_page() -> int:
        client.force_login(committee_chair)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(closed.subpage_url("handling")).status_code == 200
        return len(captured)

    hide(moderator)
    queries_for_the_page()  # the first request fills what is cached per session
    one_hidden = queries_for_the_page()
    other = Opinion.objects.get(body__contains="总体赞成")
    actions.hide_opinion(other, moderator, reason=ReportReason.ABUSE)
    assert queries_for_the_page() == one_hidden
