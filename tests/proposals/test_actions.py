"""Proposing, supporting to the threshold, and answering: the rules as owners meet them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.community.choices import Party, UnitState
from proposals import actions
from proposals.choices import AnswerKind, Outcome, ProposalStatus, SupportTarget
from proposals.heads import heads_for
from proposals.models import Proposal, ProposalSettings, Support
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UnitFactory, UserFactory
from tests.proposals.conftest import add_owner, add_owners, notified, propose

pytestmark = pytest.mark.django_db


def supports(proposal) -> int:
    return Support.objects.filter(target=SupportTarget.PROPOSAL, object_id=proposal.pk).count()


# --- proposing -----------------------------------------------------------------------------


def test_an_owner_proposes_and_the_proposal_opens_a_thread_with_the_authors_support(
    owner, estate_a, forty_heads
):
    proposal = propose(estate_a, owner)
    assert proposal.status == ProposalStatus.COLLECTING
    assert proposal.thread is not None and proposal.thread.estate == proposal.estate
    assert supports(proposal) == 1


@pytest.mark.parametrize("who", ["tenant", "outsider", "committee_chair", "property_manager"])
def test_only_a_verified_owner_of_the_estate_may_propose(who, request, estate_a):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="已认证的业主"):
        propose(estate_a, user)
    assert not Proposal.objects.exists()


def test_an_unverified_account_may_not_propose(estate_a):
    with pytest.raises(PermissionDenied):
        propose(estate_a, UserFactory())
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", "<p>内容</p>", "title"),
        ("快递柜", "<p> </p>", "body"),
        ("长" * 81, "<p>x</p>", "title"),
    ],
)
def test_a_proposal_without_title_or_content_is_refused_and_nothing_is_saved(
    owner, estate_a, title, body, field
):
    with pytest.raises(ValidationError) as caught:
        propose(estate_a, owner, title=title, body=body)
    assert field in caught.value.message_dict
    assert not Proposal.objects.exists()
    assert not Support.objects.exists()


def test_script_in_a_proposal_is_removed(owner, estate_a):
    proposal = propose(estate_a, owner, body="<p>快递柜</p><script>alert(1)</script>")
    assert "<script" not in proposal.body


# --- heads ---------------------------------------------------------------------------------


def test_heads_follow_the_roll_one_buyer_of_three_flats_is_one_head(estate_a, world_a):
    buyer = add_owner(estate_a, units=3)
    assert heads_for(estate_a, buyer).total == 3  # the world's two flats, and the buyer


def test_the_developers_units_count_as_one_head_together(estate_a, world_a):
    for floor in range(30, 34):  # floors the shared cast never uses: no number collides
        UnitFactory(
            building=world_a.building1_unit.building,
            number=f"{floor}01",
            floor=floor,
            state=UnitState.DEVELOPER_UNSOLD,
        )
    assert heads_for(estate_a).total == 3


# --- supporting ----------------------------------------------------------------------------


def test_reaching_exactly_five_percent_of_heads_starts_the_answer_deadline(
    owner, forty_heads, estate_a, committee_chair, property_manager
):
    proposal = propose(estate_a, owner)
    result = actions.support_proposal(proposal, forty_heads[0])
    proposal.refresh_from_db()
    assert result.reached_now and result.total == 2
    assert proposal.status == ProposalStatus.AWAITING_ANSWER
    assert proposal.heads_at_threshold == 40 and proposal.needed_at_threshold == 2
    assert proposal.answer_due_at == proposal.reached_at + timedelta(days=15)
    assert {committee_chair.pk, property_manager.pk} <= notified(f"proposals:{proposal.pk}:reached")


def test_one_head_short_the_deadline_does_not_start(owner, estate_a, forty_heads):
    add_owners(estate_a, 1)  # 41 heads: 5 % is 2.05, so three supporters are needed
    proposal = propose(estate_a, owner)
    actions.support_proposal(proposal, forty_heads[0])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COLLECTING and proposal.answer_due_at is None
    actions.support_proposal(proposal, forty_heads[1])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_ANSWER


def test_the_estates_own_threshold_and_deadline_apply(owner, estate_a, forty_heads):
    ProposalSettings.objects.create(estate=estate_a, threshold_percent="10", answer_days=7)
    proposal = propose(estate_a, owner)
    for supporter in forty_heads[:2]:
        actions.support_proposal(proposal, supporter)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COLLECTING  # 3 of 40 < 10 %
    actions.support_proposal(proposal, forty_heads[2])
    proposal.refresh_from_db()
    assert proposal.needed_at_threshold == 4
    assert proposal.answer_due_at == proposal.reached_at + timedelta(days=7)


def test_a_second_support_by_the_same_member_is_refused_and_changes_nothing(
    owner, estate_a, forty_heads
):
    proposal = propose(estate_a, owner)
    with pytest.raises(ValidationError, match="已经支持过"):
        actions.support_proposal(proposal, owner)
    assert supports(proposal) == 1


def test_a_co_owner_of_the_same_flat_is_the_same_head_and_is_refused(
    owner, estate_a, world_a, forty_heads
):
    spouse = UserFactory(display_name="王芳的配偶")
    identity = OwnerIdentityFactory(estate=estate_a, name=spouse.display_name, mobile=spouse.phone)
    OwnershipFactory(unit=world_a.building3_unit, identity=identity)
    from portal.community import actions as community_actions

    community_actions.link_identity(identity, spouse, how="test")
    proposal = propose(estate_a, owner)
    with pytest.raises(ValidationError, match="同属一户"):
        actions.support_proposal(proposal, spouse)
    assert supports(proposal) == 1


@pytest.mark.parametrize("who", ["tenant", "outsider", "committee_chair"])
def test_only_verified_owners_may_support(who, request, owner, estate_a):
    proposal = propose(estate_a, owner)
    with pytest.raises(PermissionDenied, match="已认证的业主"):
        actions.support_proposal(proposal, request.getfixturevalue(who))
    assert supports(proposal) == 1


def test_the_database_refuses_a_second_support_of_one_head(owner, estate_a):
    from django.db import IntegrityError, transaction

    proposal = propose(estate_a, owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(
            target=SupportTarget.PROPOSAL,
            object_id=proposal.pk,
            estate=estate_a,
            user=UserFactory(),
            head=Support.objects.get().head,
        )


def test_supports_are_append_only_in_the_database(owner, estate_a):
    from django.db import connection, transaction

    propose(estate_a, owner)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM proposals_support")
    assert Support.objects.count() == 1


def test_no_support_after_the_answer(owner, estate_a, forty_heads, committee_chair):
    proposal = propose(estate_a, owner)
    actions.support_proposal(proposal, forty_heads[0])
    actions.answer_proposal(
        proposal, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="场地不足")
    )
    with pytest.raises(ValidationError, match="已经答复"):
        actions.support_proposal(proposal, forty_heads[1])
    assert supports(proposal) == 2


# --- answering -----------------------------------------------------------------------------


@pytest.fixture
def reached(owner, estate_a, forty_heads):
    proposal = propose(estate_a, owner)
    actions.support_proposal(proposal, forty_heads[0])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_ANSWER
    return proposal


def test_no_answer_is_due_before_the_threshold(owner, estate_a, forty_heads, committee_chair):
    proposal = propose(estate_a, owner)
    with pytest.raises(ValidationError, match="尚未达到支持门槛"):
        actions.answer_proposal(
            proposal, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="x")
        )


def test_rejecting_needs_a_reason(reached, committee_chair):
    with pytest.raises(ValidationError) as caught:
        actions.answer_proposal(reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT))
    assert "不采纳时必须写明理由" in str(caught.value)
    reached.refresh_from_db()
    assert reached.status == ProposalStatus.AWAITING_ANSWER


@pytest.mark.parametrize("who", ["owner_building1", "tenant", "moderator", "community_official"])
def test_only_the_committee_or_property_company_answers(who, request, reached):
    with pytest.raises(PermissionDenied, match="只有业委会或物业"):
        actions.answer_proposal(
            reached, request.getfixturevalue(who), actions.Answer(kind=AnswerKind.REJECT, text="x")
        )


def test_adopting_into_a_consultation_creates_a_linked_draft(reached, committee_chair):
    proposal = actions.answer_proposal(
        reached,
        committee_chair,
        actions.Answer(kind=AnswerKind.ADOPT, outcome=Outcome.CONSULTATION, text="同意征求意见"),
    )
    page = proposal.consultation
    assert page is not None and not page.live
    assert page.title == proposal.title
    assert list(page.source_proposals.all()) == [proposal]
    assert proposal.answering_party == Party.COMMITTEE
    assert proposal.answered_in_time() is True


def test_the_property_company_may_not_start_a_consultation(reached, property_manager):
    with pytest.raises(ValidationError, match="只有业委会可以发起征求意见"):
        actions.answer_proposal(
            reached,
            property_manager,
            actions.Answer(kind=AnswerKind.ADOPT, outcome=Outcome.CONSULTATION),
        )


def test_adopting_into_an_action_item_links_both_ways(reached, property_manager):
    proposal = actions.answer_proposal(
        reached,
        property_manager,
        actions.Answer(
            kind=AnswerKind.ADOPT,
            outcome=Outcome.ACTION_ITEM,
            action_item_party=Party.PROPERTY,
            action_item_due=timezone.localdate() + timedelta(days=30),
        ),
    )
    item = proposal.action_item
    assert item.source == proposal
    assert proposal.answering_party == Party.PROPERTY


def test_referring_names_another_party_and_tells_it(reached, committee_chair, community_official):
    proposal = actions.answer_proposal(
        reached,
        committee_chair,
        actions.Answer(kind=AnswerKind.REFER, referred_party=Party.COMMUNITY, text="涉及市政道路"),
    )
    assert proposal.status == ProposalStatus.REFERRED
    assert community_official.pk in notified(f"proposals:{proposal.pk}:referred")


def test_referring_without_a_party_is_refused(reached, committee_chair):
    with pytest.raises(ValidationError, match="请选择转交给哪一方"):
        actions.answer_proposal(reached, committee_chair, actions.Answer(kind=AnswerKind.REFER))


def test_a_proposal_is_answered_once(reached, committee_chair):
    actions.answer_proposal(
        reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="预算不足")
    )
    with pytest.raises(ValidationError, match="已经答复过"):
        actions.answer_proposal(
            reached,
            committee_chair,
            actions.Answer(kind=AnswerKind.REFER, referred_party="community"),
        )


def test_the_author_and_supporters_are_told_of_the_answer(
    reached, committee_chair, owner, forty_heads
):
    actions.answer_proposal(
        reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="预算不足")
    )
    assert {owner.pk, forty_heads[0].pk} <= notified(f"proposals:{reached.pk}:answered")


def test_an_answer_after_the_deadline_is_late(reached, committee_chair):
    with time_machine.travel(reached.answer_due_at + timedelta(seconds=1)):
        assert reached in actions.overdue()
        proposal = actions.answer_proposal(
            reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="预算不足")
        )
    assert proposal.answered_in_time() is False


def test_overdue_reminder_goes_to_the_parties(reached, committee_chair):
    with time_machine.travel(reached.answer_due_at + timedelta(hours=1)):
        assert actions.remind_overdue() == 1
    assert committee_chair.pk in notified(f"proposals:{reached.pk}:overdue")


def test_due_date_in_the_past_for_an_action_item_is_refused(reached, property_manager):
    with pytest.raises(ValidationError):
        actions.answer_proposal(
            reached,
            property_manager,
            actions.Answer(
                kind=AnswerKind.ADOPT,
                outcome=Outcome.ACTION_ITEM,
                action_item_party=Party.PROPERTY,
                action_item_due=date(2000, 1, 1),
            ),
        )
    reached.refresh_from_db()
    assert reached.status == ProposalStatus.AWAITING_ANSWER


def _assembly(estate, **options):
    from tests.voting.conftest import make_assembly

    now = timezone.now()
    return make_assembly(
        estate, opens_at=now + timedelta(days=20), closes_at=now + timedelta(days=30), **options
    )


def test_adopting_into_a_motion_adds_it_to_the_draft_meetings_next_revision(
    reached, committee_chair, estate_a
):
    from voting.choices import Matter

    assembly = _assembly(estate_a)
    proposal = actions.answer_proposal(
        reached,
        committee_chair,
        actions.Answer(
            kind=AnswerKind.ADOPT,
            outcome=Outcome.MOTION,
            assembly=assembly,
            motion_title="关于增设智能快递柜的议案",
            motion_matter=Matter.CHANGE_COMMON_USE,
        ),
    )
    draft = assembly.get_latest_revision_as_object()
    assert [m.title for m in draft.motions.all()][-1] == "关于增设智能快递柜的议案"
    assert list(assembly.source_proposals.all()) == [proposal]


def test_a_motion_needs_its_matter_and_a_draft_meeting(reached, committee_chair, estate_a):
    from voting.choices import AssemblyState

    assembly = _assembly(estate_a)
    answer = actions.Answer(
        kind=AnswerKind.ADOPT, outcome=Outcome.MOTION, assembly=assembly, motion_title="快递柜"
    )
    with pytest.raises(ValidationError, match="请选择表决事项的类别"):
        actions.answer_proposal(reached, committee_chair, answer)
    type(assembly).objects.filter(pk=assembly.pk).update(state=AssemblyState.ANNOUNCED)
    assembly.refresh_from_db()
    with pytest.raises(ValidationError, match="已经公告"):
        actions.answer_proposal(
            reached,
            committee_chair,
            actions.Answer(
                kind=AnswerKind.ADOPT,
                outcome=Outcome.MOTION,
                assembly=assembly,
                motion_title="快递柜",
                motion_matter="8",
            ),
        )
    reached.refresh_from_db()
    assert reached.status == ProposalStatus.AWAITING_ANSWER
