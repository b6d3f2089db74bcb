"""A questionnaire's text answers under moderation, as opinions are (consultations.visibility).

王芳 answers the free-text question naming a neighbour and their mobile number. A moderator of
锦绣花园 hides the answer through the real action; every copy a neighbour or the committee's
export reaches shows the placeholder, while the response still counts in every figure (choices,
scores and the number of text answers). Answers with a sensitive word, or written under the
estate's pre-moderation, wait for a moderator. The author keeps her words in her own data.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import actions, results
from consultations.models import Answer
from deliberation.choices import ReportReason
from deliberation.models import DeliberationSettings, SensitiveWord
from portal.accounts.export import personal_data
from portal.community import actions as community_actions
from portal.community.choices import RoleKind
from portal.community.models import AuditEvent
from portal.notifications.models import NotificationBatch
from portal.notifications.subjects import message_for
from tests.consultations.conftest import make_consultation, question, valid_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13900006688"
WORDS = f"3栋赵某天天在楼道堆放杂物，电话 {PHONE}，物业应当上门处理。"
HARMLESS = "希望增加电动车充电桩，并延长地下车库照明时间。"
PLACEHOLDER = "该回答已被版主隐藏（泄露个人信息（如手机号））"
HELD = "该回答待版主审核"


def answers_with(consultation, text: str) -> dict[int, object]:
    return valid_answers(consultation) | {question(consultation, "text").pk: text}


@pytest.fixture
def responded(consultation, owner, owner_building1):
    """王芳 writes the answer naming a neighbour; 李强 writes a harmless one."""
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, WORDS), opinions={}
    )
    actions.submit_response(
        consultation, owner_building1, answers=answers_with(consultation, HARMLESS), opinions={}
    )
    return consultation


@pytest.fixture
def closed(responded):
    with time_machine.travel(responded.closes_at + timedelta(hours=1), tick=True):
        yield responded


@pytest.fixture
def moderator_b(estate_b):
    """周敏 moderates 翠湖苑, the other estate."""
    user = UserFactory(display_name="周敏")
    community_actions.grant_role(user, RoleKind.MODERATOR, estate=estate_b)
    return user


def the_answer() -> Answer:
    return Answer.objects.get(text__contains="楼道堆放")


def hide(moderator, answer: Answer | None = None) -> Answer:
    return actions.hide_answer(answer or the_answer(), moderator, reason=ReportReason.PERSONAL_INFO)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode("utf-8-sig")


# --- who may hide and restore -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "committee_chair"])
def test_a_moderator_of_the_estate_hides_and_restores_a_text_answer(responded, role, request):
    moderator = request.getfixturevalue(role)
    hide(moderator)
    assert the_answer().hidden_reason == ReportReason.PERSONAL_INFO
    assert the_answer().hidden_by == moderator
    actions.restore_answer(the_answer(), moderator, seen=the_answer().seen_fingerprint)
    assert the_answer().hidden_at is None and the_answer().hidden_reason == ""


@pytest.mark.parametrize(
    "role", ["owner", "owner_building1", "property_manager", "property_staff", "outsider"]
)
def test_owners_property_staff_and_outsiders_may_not_hide_an_answer(responded, role, request):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        hide(user)
    assert the_answer().hidden_at is None


def test_the_other_estates_moderator_may_neither_hide_nor_restore(
    responded, moderator, moderator_b
):
    with pytest.raises(PermissionDenied):
        hide(moderator_b)
    hide(moderator)
    with pytest.raises(PermissionDenied):
        actions.restore_answer(the_answer(), moderator_b, seen=the_answer().seen_fingerprint)
    assert the_answer().hidden_at is not None


def test_hiding_needs_a_reason_from_the_posts_list(responded, moderator):
    with pytest.raises(ValidationError, match="隐藏原因"):
        actions.hide_answer(the_answer(), moderator, reason="看着不舒服")
    assert the_answer().hidden_at is None


def test_restoring_an_answer_that_is_shown_is_refused(responded, moderator):
    with pytest.raises(ValidationError, match="未被隐藏"):
        actions.restore_answer(the_answer(), moderator, seen=the_answer().seen_fingerprint)


def test_the_form_route_hides_and_restores_for_moderators_only(
    client, closed, moderator, owner_building1, moderator_b
):
    url = closed.subpage_url("moderate_answers")
    data = {"answer": the_answer().pk, "action": "hide", "reason": "personal_info"}
    for user in (owner_building1, moderator_b):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
        assert client.get(url).status_code == 403
    assert the_answer().hidden_at is None
    client.force_login(moderator)
    response = client.post(url, data | {"back": "results"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"results/#answer-{the_answer().pk}")
    assert the_answer().hidden_reason == "personal_info"
    restore = {"answer": the_answer().pk, "action": "restore"}
    client.post(url, restore)  # no fingerprint of the words read: refused, still hidden
    assert the_answer().hidden_at is not None
    client.post(url, restore | {"seen": the_answer().seen_fingerprint})
    assert the_answer().hidden_at is None


# --- the moderator approves the words read, not later ones -----------------------------------


def test_a_held_answer_edited_after_the_moderator_looked_is_not_approved(
    client, consultation, estate_a, owner, moderator
):
    """The moderators' list carries the fingerprint of the words it showed; the author's
    edit after that makes the approval fail, and nothing is published or audited."""
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)

    def written() -> Answer:
        return Answer.objects.exclude(text="").get()

    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, HARMLESS), opinions={}
    )
    client.force_login(moderator)
    listing = client.get(consultation.subpage_url("moderate_answers")).content.decode()
    shown = re.search(r'name="seen" value="([0-9a-f]{64})"', listing).group(1)
    assert shown == written().seen_fingerprint
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, WORDS), opinions={}
    )
    url = consultation.subpage_url("moderate_answers")
    client.post(url, {"answer": written().pk, "action": "restore", "seen": shown})
    assert written().held_reason and written().text == WORDS
    assert not AuditEvent.objects.filter(action="consultation.answer_approved").exists()
    with pytest.raises(ValidationError, match="审阅后已被作者修改"):
        actions.restore_answer(written(), moderator, seen="0" * 64)
    actions.restore_answer(written(), moderator, seen=written().seen_fingerprint)
    assert written().held_reason == ""


def test_the_route_refuses_an_answer_of_another_consultation(
    client, closed, consultation_index, moderator
):
    other = make_consultation(consultation_index, title="《电动车充电桩建设方案》征求意见")
    client.force_login(moderator)
    url = other.subpage_url("moderate_answers")
    data = {"answer": the_answer().pk, "action": "hide", "reason": "personal_info"}
    assert client.post(url, data).status_code == 404
    assert the_answer().hidden_at is None


# --- audit and the author's notice ----------------------------------------------------------------


def test_hiding_and_restoring_are_audited_and_the_author_is_told_without_the_words(
    responded, moderator, owner
):
    hide(moderator)
    event = AuditEvent.objects.get(action="consultation.answer_hidden")
    assert event.actor == moderator and event.details["answer_id"] == the_answer().pk
    assert event.details["reason"] == ReportReason.PERSONAL_INFO
    assert PHONE not in json.dumps(event.details, ensure_ascii=False)
    told = NotificationBatch.objects.get(dedupe_key__contains=":answer:", title__contains="隐藏")
    assert told.recipient_ids == [owner.pk] and told.subject == the_answer()
    assert PHONE not in told.title + told.body and "赵某" not in told.title + told.body
    assert PLACEHOLDER in message_for(told).body  # the inbox reads the state as it stands
    assert PHONE not in message_for(told).body

    actions.restore_answer(the_answer(), moderator, seen=the_answer().seen_fingerprint)
    assert AuditEvent.objects.filter(action="consultation.answer_restored").exists()
    assert PLACEHOLDER not in message_for(told).body
    restored = f"consultation:answer:{the_answer().pk}:restored:"
    assert NotificationBatch.objects.filter(dedupe_key__startswith=restored).exists()


# --- every copy for others shows the placeholder; the counts stay -------------------------------


def test_the_results_page_shows_the_placeholder_and_the_counts_stay(
    client, closed, moderator, owner_building1
):
    before = results.compute(closed, show_names=False)
    hide(moderator)
    text = page(client, owner_building1, closed.subpage_url("results"))
    assert PHONE not in text and "赵某" not in text
    assert PLACEHOLDER in text and HARMLESS in text
    after = results.compute(closed, show_names=False)
    assert after.respondents == before.respondents == 2
    figure = next(f for f in after.questions if f.question.kind == "text")
    assert figure.text_total == 2 and len(figure.texts) == 2
    single = next(f for f in after.questions if f.question.kind == "single")
    assert [o.count for o in single.options] == [o.count for o in before.questions[0].options]
    assert single.respondents == 2


def test_the_author_and_the_moderator_read_the_words_marked_as_hidden(
    client, closed, moderator, owner
):
    hide(moderator)
    for reader in (owner, moderator):
        text = page(client, reader, closed.subpage_url("results"))
        assert PHONE in text and PLACEHOLDER in text and "仅作者和版主可见" in text


def test_the_exports_carry_the_placeholder_even_for_the_committee(
    client, closed, moderator, committee_chair
):
    hide(moderator)
    client.force_login(committee_chair)
    csv_text = client.get(closed.subpage_url("results_csv")).content.decode("utf-8-sig")
    assert PHONE not in csv_text and PLACEHOLDER in csv_text and HARMLESS in csv_text
    xlsx = client.get(closed.subpage_url("results_xlsx")).content
    assert PHONE.encode() not in xlsx


def test_the_authors_data_copy_keeps_her_words_and_says_what_others_read(
    responded, moderator, owner, owner_building1
):
    hide(moderator)
    mine = json.dumps(personal_data(owner), ensure_ascii=False, default=str)
    assert PHONE in mine and PLACEHOLDER in mine
    theirs = json.dumps(personal_data(owner_building1), ensure_ascii=False, default=str)
    assert PHONE not in theirs


def test_the_author_sees_on_her_form_that_others_read_the_placeholder(
    client, responded, moderator, owner
):
    hide(moderator)
    text = page(client, owner, responded.url)
    assert PHONE in text and PLACEHOLDER in text and "原文仅您本人和版主可见" in text


def test_a_hidden_answer_cannot_be_rewritten_but_the_rest_of_the_response_can(
    responded, moderator, owner
):
    hide(moderator)
    with pytest.raises(ValidationError, match="已被版主隐藏"):
        actions.submit_response(
            responded, owner, answers=answers_with(responded, "改一下措辞。"), opinions={}
        )
    assert the_answer().text == WORDS
    changed = answers_with(responded, WORDS) | {question(responded, "single").pk: "2"}
    actions.submit_response(responded, owner, answers=changed, opinions={})
    assert the_answer().hidden_at is not None  # kept in place, still hidden


# --- held at submit ---------------------------------------------------------------------------


def test_an_answer_with_a_sensitive_word_waits_for_a_moderator_and_the_response_counts(
    client, consultation, estate_a, owner, owner_building1, moderator
):
    SensitiveWord.objects.create(estate=estate_a, word="赵某")
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, WORDS), opinions={}
    )
    answer = the_answer()
    assert answer.held_reason
    told = NotificationBatch.objects.get(dedupe_key__contains=":answer:", title__contains="待审核")
    assert moderator.pk in told.recipient_ids and PHONE not in told.title + told.body
    figures = results.compute(consultation, show_names=False)
    assert figures.respondents == 1
    assert next(f for f in figures.questions if f.question.kind == "text").text_total == 1
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=True):
        text = page(client, owner_building1, consultation.subpage_url("results"))
        assert PHONE not in text and HELD in text
        listing = page(client, moderator, consultation.subpage_url("moderate_answers"))
        assert PHONE in listing and "审核通过" in listing
        actions.restore_answer(answer, moderator, seen=answer.seen_fingerprint)
        assert AuditEvent.objects.filter(action="consultation.answer_approved").exists()
        assert PHONE in page(client, owner_building1, consultation.subpage_url("results"))


def test_a_clean_answer_is_shown_at_once(consultation, estate_a, owner):
    SensitiveWord.objects.create(estate=estate_a, word="赵某")
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, HARMLESS), opinions={}
    )
    assert Answer.objects.get(text=HARMLESS).held_reason == ""


def test_under_premoderation_every_answer_waits_and_a_clean_edit_stays_held(
    consultation, estate_a, owner
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, "车位摇号。"), opinions={}
    )
    first = Answer.objects.get(text="车位摇号。")
    assert first.held_reason
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, "车位抽签。"), opinions={}
    )
    again = Answer.objects.get(response__user=owner, question__kind="text")
    assert again.pk == first.pk and again.text == "车位抽签。" and again.held_reason


def test_an_edit_adding_a_sensitive_word_to_a_shown_answer_is_held_again(
    consultation, estate_a, owner
):
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, HARMLESS), opinions={}
    )
    assert Answer.objects.get(text=HARMLESS).held_reason == ""
    SensitiveWord.objects.create(estate=estate_a, word="赵某")
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, WORDS), opinions={}
    )
    assert the_answer().held_reason


# --- hostile words stay text ------------------------------------------------------------------


def test_a_hostile_answer_with_markup_is_escaped_on_every_page(
    client, consultation, owner, moderator, owner_building1
):
    hostile = '<script>alert("业委会")</script><img src=x onerror=alert(1)>'
    actions.submit_response(
        consultation, owner, answers=answers_with(consultation, hostile), opinions={}
    )
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=True):
        for reader, url in (
            (owner_building1, consultation.subpage_url("results")),
            (moderator, consultation.subpage_url("moderate_answers")),
        ):
            text = page(client, reader, url)
            assert "<script>alert" not in text and "<img src=x" not in text
            assert "&lt;script&gt;" in text
        answer = Answer.objects.get(response__user=owner, question__kind="text")
        actions.hide_answer(answer, moderator, reason=ReportReason.ABUSE)
        text = page(client, owner, consultation.subpage_url("results"))
        assert "<script>alert" not in text and "&lt;script&gt;" in text
