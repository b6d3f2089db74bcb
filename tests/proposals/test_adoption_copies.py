"""An adopted proposal hidden afterwards: the documents made from it, and who is told.

Once the committee or the property company adopts a proposal, the draft consultation, the
motion and the action item made from it are their own documents (proposals.adoption): a
later hiding neither rewrites nor deletes them, but tells the answering party and the
committee which kinds exist, is audited with them, and shows them (with links) on the
proposal's page to those who tend them. The action item never copies the owner's body, and
wherever it shows its source, the source follows the proposal's state. Every case goes
through the real actions: adopt into each outcome, then hide by hand or by the threshold.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationPage
from deliberation.choices import ReportReason
from deliberation.models import DeliberationSettings
from deliberation.oversight import actions as oversight
from deliberation.oversight.models import ActionItem
from portal.community.choices import Party, RoleKind
from portal.community.models import AuditEvent
from portal.notifications.models import Notification, NotificationBatch
from proposals import actions
from proposals.choices import AnswerKind, Outcome
from proposals.models import Proposal
from search import service
from tests.conftest import _with_role
from tests.proposals.conftest import notified, propose
from voting.choices import Matter

pytestmark = pytest.mark.django_db

TITLE = "东门增设智能快递柜方案"
BODY = "门岗堆满包裹，建议在东门增设智能快递柜，联系人电话 13900007777。"
PHONE = "13900007777"
ANSWER = "同意采纳：物业于下月在东门安装快递柜，费用由公共收益列支。"
PLACEHOLDER = "（该提案已被隐藏）"
NOTICE_TITLE = "您采纳的一项业主提案已被版主隐藏"


def page(client, user, url: str) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def words_of_the_proposal_in(text: str) -> list[str]:
    return [w for w in (TITLE, PHONE, "门岗堆满包裹") if w in text]


@pytest.fixture
def reached(estate_a, owner, forty_heads) -> Proposal:
    proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    actions.support_proposal(proposal, forty_heads[0])
    return Proposal.objects.get(pk=proposal.pk)


def _assembly(estate):
    from tests.voting.conftest import make_assembly  # the voting tests' draft meeting

    now = timezone.now()
    return make_assembly(
        estate, opens_at=now + timedelta(days=20), closes_at=now + timedelta(days=30)
    )


def adopt(proposal, outcome: str, *, committee_chair, property_manager, item_title: str = ""):
    """Adopt the proposal into `outcome` as the party that may: the committee for a
    consultation or a motion, the property company for an action item."""
    if outcome == Outcome.CONSULTATION:
        answer = actions.Answer(kind=AnswerKind.ADOPT, outcome=outcome, text=ANSWER)
        return actions.answer_proposal(proposal, committee_chair, answer)
    if outcome == Outcome.MOTION:
        answer = actions.Answer(
            kind=AnswerKind.ADOPT,
            outcome=outcome,
            text=ANSWER,
            assembly=_assembly(proposal.estate),
            motion_title="关于在东门安装快递柜的议案",
            motion_matter=Matter.CHANGE_COMMON_USE,
        )
        return actions.answer_proposal(proposal, committee_chair, answer)
    answer = actions.Answer(
        kind=AnswerKind.ADOPT,
        outcome=outcome,
        text=ANSWER,
        action_item_title=item_title,
        action_item_party=Party.PROPERTY,
        action_item_due=timezone.localdate() + timedelta(days=30),
    )
    return actions.answer_proposal(proposal, property_manager, answer)


def hide(proposal, how: str, *, moderator, reporters) -> None:
    """Hide it by a moderator's hand, or by the estate's report threshold (two reporters)."""
    if how == "moderator":
        actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
        return
    DeliberationSettings.objects.create(estate=proposal.estate, hide_threshold=2)
    for reporter in reporters[:2]:
        actions.report_proposal(proposal, reporter, reason=ReportReason.PERSONAL_INFO)
    assert Proposal.objects.get(pk=proposal.pk).is_hidden


def adoption_notices(proposal) -> list[NotificationBatch]:
    return list(
        NotificationBatch.objects.filter(dedupe_key__startswith=f"proposals:{proposal.pk}:adoption")
    )


KINDS = {
    Outcome.CONSULTATION: "征求意见稿",
    Outcome.MOTION: "表决事项",
    Outcome.ACTION_ITEM: "督办事项",
}


# --- the action item is the answering party's own words ----------------------------------------


def test_the_action_item_carries_the_answer_and_nothing_of_the_owners_body(
    reached, committee_chair, property_manager
):
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
        item_title="东门快递柜安装",
    )
    item = ActionItem.objects.get(pk=proposal.action_item_id)
    assert item.description == ANSWER
    assert item.title == "东门快递柜安装"
    assert words_of_the_proposal_in(f"{item.title} {item.description} {item.source_label}") == []
    assert item.source == proposal


def test_items_made_before_the_change_lose_the_owners_words_by_migration(
    reached, committee_chair, property_manager
):
    """proposals 0004: an item made by the earlier code (the body as its description, the
    title as its stored source label) keeps only the answer and the kind; its title stays."""
    from importlib import import_module

    from django.apps import apps

    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
        item_title="东门快递柜安装",
    )
    ActionItem.objects.filter(pk=proposal.action_item_id).update(
        description=BODY, source_label=TITLE
    )
    migration = import_module("proposals.migrations.0004_action_items_keep_no_proposal_words")
    migration.keep_no_proposal_words(apps, None)
    migration.keep_no_proposal_words(apps, None)  # idempotent
    item = ActionItem.objects.get(pk=proposal.action_item_id)
    assert (item.description, item.source_label, item.title) == (
        ANSWER,
        "业主提案",
        "东门快递柜安装",
    )
    assert words_of_the_proposal_in(f"{item.description} {item.source_label}") == []


def test_without_a_typed_name_the_action_item_takes_the_proposals_title(
    reached, committee_chair, property_manager
):
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
    )
    item = ActionItem.objects.get(pk=proposal.action_item_id)
    assert item.title == TITLE
    assert PHONE not in item.description
    # The stored name of the source (shown only if the source were removed) is its kind.
    assert item.source_label == "业主提案"


def test_the_answer_form_takes_the_action_items_own_name(client, reached, property_manager):
    client.force_login(property_manager)
    response = client.post(
        reverse("proposals:answer", args=["jinxiu", reached.pk]),
        {
            "kind": AnswerKind.ADOPT,
            "text": ANSWER,
            "outcome": Outcome.ACTION_ITEM,
            "action_item_title": "东门快递柜安装",
            "action_item_party": Party.PROPERTY,
            "action_item_due": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = Proposal.objects.get(pk=reached.pk).action_item
    assert (item.title, item.description) == ("东门快递柜安装", ANSWER)


# --- hiding an adopted proposal: who is told, what is audited, what stays ---------------------


@pytest.mark.parametrize("how", ["moderator", "threshold"])
@pytest.mark.parametrize("outcome", list(KINDS))
def test_hiding_an_adopted_proposal_tells_the_answering_party_and_the_committee(
    outcome,
    how,
    reached,
    owner,
    committee_chair,
    committee_member,
    property_manager,
    property_staff,
    moderator,
    forty_heads,
):
    proposal = adopt(
        reached, outcome, committee_chair=committee_chair, property_manager=property_manager
    )
    hide(proposal, how, moderator=moderator, reporters=forty_heads[1:])

    (notice,) = adoption_notices(proposal)
    recipients = notified(notice.dedupe_key)
    assert {committee_chair.pk, committee_member.pk} <= recipients
    property_answered = outcome == Outcome.ACTION_ITEM
    assert (property_manager.pk in recipients) is property_answered
    assert (property_staff.pk in recipients) is property_answered
    assert owner.pk not in recipients and moderator.pk not in recipients
    assert notice.title == NOTICE_TITLE
    assert KINDS[outcome] in notice.body
    assert notice.url == proposal.get_absolute_url()
    assert notice.subject_id == proposal.pk  # the inbox shows the placeholder as it stands
    assert words_of_the_proposal_in(f"{notice.title} {notice.body}") == []

    action = "proposals.hidden" if how == "moderator" else "proposals.auto_hidden"
    record = AuditEvent.objects.get(action=action, object_id=str(proposal.pk))
    assert record.details["adoption_copies"] == [outcome]


def test_confirming_a_hiding_tells_no_one_twice(
    reached,
    committee_chair,
    property_manager,
    moderator,
    forty_heads,
    django_capture_on_commit_callbacks,
):
    second = _with_role(RoleKind.MODERATOR, estate=reached.estate, display_name="吴版主")
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the inboxes are filled
        hide(proposal, "threshold", moderator=moderator, reporters=forty_heads[1:])
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_proposal(proposal, second, reason=ReportReason.PERSONAL_INFO)  # confirmed
    keys = {batch.dedupe_key for batch in adoption_notices(proposal)}
    assert len(keys) == 1
    received = list(
        Notification.objects.filter(dedupe_key__in=keys).values_list("user_id", flat=True)
    )
    assert committee_chair.pk in received and property_manager.pk in received
    assert sorted(received) == sorted(set(received))


def test_the_notice_warns_when_the_action_item_took_the_proposals_title(
    reached, committee_chair, property_manager, moderator
):
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
    )
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    (notice,) = adoption_notices(proposal)
    assert "督办事项的名称沿用了提案标题" in notice.body


def test_a_proposal_answered_otherwise_tells_no_adopter(reached, committee_chair, moderator):
    actions.answer_proposal(
        reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="预算不足")
    )
    actions.hide_proposal(reached, moderator, reason=ReportReason.PERSONAL_INFO)
    assert adoption_notices(reached) == []
    record = AuditEvent.objects.get(action="proposals.hidden", object_id=str(reached.pk))
    assert record.details["adoption_copies"] == []


def test_the_draft_consultation_and_the_draft_motion_stay_as_the_committee_left_them(
    reached, owner, committee_chair, property_manager, moderator, forty_heads, estate_a
):
    consulted = adopt(
        reached, Outcome.CONSULTATION, committee_chair=committee_chair, property_manager=None
    )
    second = propose(
        estate_a, owner, title="北门加装雨棚", body="<p>北门雨天积水，建议加装雨棚。</p>"
    )
    actions.support_proposal(second, forty_heads[0])
    moved = adopt(
        Proposal.objects.get(pk=second.pk),
        Outcome.MOTION,
        committee_chair=committee_chair,
        property_manager=None,
    )
    for proposal in (consulted, moved):
        actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)

    draft = ConsultationPage.objects.get(pk=consulted.consultation_id)
    assert not draft.live and draft.title == TITLE
    assert PHONE in str(draft.sections.first().body)  # the committee's to edit, not ours
    motions = moved.assembly.get_latest_revision_as_object().motions.all()
    assert "北门雨天积水" in motions[len(motions) - 1].text


# --- where the action item shows its source ------------------------------------------------------


@pytest.fixture
def hidden_item(reached, committee_chair, property_manager, moderator) -> ActionItem:
    """The property company adopts into an action item it names itself; then it is hidden."""
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
        item_title="东门快递柜安装",
    )
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    return ActionItem.objects.get(pk=proposal.action_item_id)


@pytest.mark.parametrize("reader", ["owner_building1", "moderator", "property_manager"])
def test_the_action_items_page_names_a_hidden_source_by_the_placeholder(
    client, request, hidden_item, reader
):
    text = page(client, request.getfixturevalue(reader), hidden_item.get_absolute_url())
    assert "东门快递柜安装" in text and ANSWER in text
    assert PLACEHOLDER in text
    assert words_of_the_proposal_in(text) == []


def test_the_action_items_page_shows_the_source_again_once_restored(
    client, hidden_item, owner_building1, moderator
):
    second = _with_role(RoleKind.MODERATOR, estate=hidden_item.estate, display_name="吴版主")
    actions.restore_proposal(hidden_item.source, second, seen=hidden_item.source.seen_fingerprint)
    text = page(client, owner_building1, hidden_item.get_absolute_url())
    assert TITLE in text and PLACEHOLDER not in text


def test_the_action_item_list_carries_nothing_of_the_hidden_proposal(
    client, hidden_item, owner_building1
):
    text = page(client, owner_building1, reverse("oversight:item_list", args=["jinxiu"]))
    assert "东门快递柜安装" in text
    assert words_of_the_proposal_in(text) == []


def test_the_dashboard_drill_and_alert_carry_nothing_of_the_hidden_proposal(
    client, hidden_item, community_official
):
    drill = reverse("dashboard:drill", args=["jinxiu", "oversight", "opened"])
    text = page(client, community_official, drill)
    assert "东门快递柜安装" in text and words_of_the_proposal_in(text) == []
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        text = page(client, community_official, reverse("dashboard:index"))
    assert "东门快递柜安装" in text and words_of_the_proposal_in(text) == []


def test_the_action_items_notifications_carry_nothing_of_the_hidden_proposal(hidden_item):
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        assert oversight.notify_overdue_items() == 1
    batches = NotificationBatch.objects.filter(
        dedupe_key__startswith=f"oversight:item:{hidden_item.pk}:"
    )
    assert {b.dedupe_key.split(":")[3] for b in batches} == {"assigned", "overdue"}
    for batch in batches:
        assert words_of_the_proposal_in(f"{batch.title} {batch.body}") == []


def test_search_finds_nothing_of_the_hidden_proposal_through_its_action_item(
    hidden_item, owner_building1
):
    for query in ("快递柜", PHONE):
        outcome = service.search(owner_building1, query)
        text = " ".join(f"{hit.title} {hit.snippet}" for hit in outcome.hits)
        assert words_of_the_proposal_in(text) == []


# --- the proposal's page: the documents, for those who tend them --------------------------------


@pytest.mark.parametrize("outcome", list(KINDS))
def test_the_hidden_proposals_page_lists_its_documents_to_the_moderator_and_the_answering_party(
    client, outcome, reached, committee_chair, property_manager, moderator, owner_building1
):
    proposal = adopt(
        reached, outcome, committee_chair=committee_chair, property_manager=property_manager
    )
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    proposal = Proposal.objects.get(pk=proposal.pk)
    if outcome == Outcome.CONSULTATION:
        link = reverse("wagtailadmin_pages:edit", args=[proposal.consultation_id])
    elif outcome == Outcome.MOTION:
        link = reverse("wagtailadmin_pages:edit", args=[proposal.assembly_id])
    else:
        link = proposal.action_item.get_absolute_url()
    answering = property_manager if outcome == Outcome.ACTION_ITEM else committee_chair

    for tender in (moderator, answering):
        text = page(client, tender, proposal.get_absolute_url())
        assert "由该提案形成的文件" in text, tender
        assert f'href="{link}"' in text and KINDS[outcome] in text

    text = page(client, owner_building1, proposal.get_absolute_url())
    assert "由该提案形成的文件" not in text
    if outcome != Outcome.ACTION_ITEM:  # the item's own page is the members' (its source: above)
        assert f'href="{link}"' not in text  # no link to a draft in the admin
    assert PLACEHOLDER in text and words_of_the_proposal_in(text) == []


def test_the_property_company_sees_no_documents_of_a_proposal_the_committee_adopted(
    client, reached, committee_chair, property_manager, moderator
):
    proposal = adopt(
        reached, Outcome.CONSULTATION, committee_chair=committee_chair, property_manager=None
    )
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    text = page(client, property_manager, proposal.get_absolute_url())
    link = reverse("wagtailadmin_pages:edit", args=[proposal.consultation_id])
    assert "由该提案形成的文件" not in text and f'href="{link}"' not in text


def test_a_shown_adopted_proposal_shows_no_such_notice(
    client, reached, committee_chair, property_manager
):
    proposal = adopt(
        reached,
        Outcome.ACTION_ITEM,
        committee_chair=committee_chair,
        property_manager=property_manager,
    )
    text = page(client, property_manager, proposal.get_absolute_url())
    assert "由该提案形成的文件" not in text and TITLE in text
