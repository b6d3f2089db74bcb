"""Casting ballots: one current ballot per right, receipts, and every bad input refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.community.models import AuditEvent
from tests.factories import UserFactory
from tests.voting.conftest import full_choices, motions_of, open_assembly, pdf_scan, right_of
from voting import actions, ledger
from voting.choices import AssemblyState, Channel, ProxyStatus
from voting.models import (
    AssemblyPage,
    Ballot,
    BallotChoice,
    LedgerEntry,
    LedgerHead,
    Proxy,
    VotingRight,
)

pytestmark = pytest.mark.django_db


def _cast(assembly, user, choices=None, **kwargs):
    return actions.cast_ballot(
        assembly,
        right_of(user, assembly),
        choices if choices is not None else full_choices(assembly),
        channel=kwargs.pop("channel", Channel.ONLINE),
        cast_by=user,
        **kwargs,
    )


def test_owner_casts_and_gets_a_receipt_in_the_inbox(
    assembly, owner, notifications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = _cast(assembly, owner)
    assert result.created
    ballot = result.ballot
    assert ballot.sequence == 1 and ballot.channel == Channel.ONLINE
    assert len(result.receipt_code) == 19
    resolution, special, election = motions_of(assembly)
    assert BallotChoice.objects.filter(ballot=ballot, motion=election).count() == 2
    assert BallotChoice.objects.get(ballot=ballot, motion=resolution).choice == "agree"
    [sent] = [n for n in notifications.sent if n["title"].startswith("投票回执")]
    assert sent["recipients"] == [owner]
    assert sent["category"] == "assembly"
    assert result.receipt_code in sent["body"]
    assert AuditEvent.objects.filter(action="ballot.cast", object_id=str(ballot.pk)).exists()


def test_repeated_submission_returns_the_first_receipt_and_stores_nothing(assembly, owner):
    first = _cast(assembly, owner)
    second = _cast(assembly, owner, full_choices(assembly, candidates=1))
    assert not second.created
    assert second.receipt_code == first.receipt_code
    assert Ballot.objects.filter(assembly=assembly).count() == 1
    assert BallotChoice.objects.count() == 4


def test_a_repeated_submission_key_returns_the_same_ballot_even_when_changes_are_allowed(
    estate_a, register, committee_chair, owner
):
    assembly = open_assembly(estate_a, committee_chair, allow_change_before_close=True)
    first = _cast(assembly, owner, submission_key="form-123")
    again = _cast(assembly, owner, submission_key="form-123")
    assert not again.created and again.ballot.pk == first.ballot.pk
    assert Ballot.objects.filter(assembly=assembly).count() == 1


def test_changing_before_close_appends_a_superseding_ballot(
    estate_a, register, committee_chair, owner
):
    assembly = open_assembly(estate_a, committee_chair, allow_change_before_close=True)
    first = _cast(assembly, owner)
    resolution, _special, _election = motions_of(assembly)
    second = _cast(assembly, owner, {resolution.pk: "oppose"})
    assert second.created and second.ballot.version == 2
    assert second.ballot.supersedes_id == first.ballot.pk
    current = Ballot.objects.filter(assembly=assembly, superseded_by__isnull=True)
    assert list(current) == [second.ballot]
    assert Ballot.objects.filter(assembly=assembly).count() == 2
    assert ledger.verify_assembly(assembly).ok
    assert ledger.stored_entries(assembly)[1]["supersedes"] == 1


def test_blank_motion_means_not_taking_part(assembly, owner):
    resolution, special, election = motions_of(assembly)
    result = _cast(assembly, owner, {resolution.pk: "abstain", special.pk: ""})
    assert list(
        BallotChoice.objects.filter(ballot=result.ballot).values_list("motion", "choice")
    ) == [(resolution.pk, "abstain")]


def test_election_abstention_takes_part_without_candidates(assembly, owner):
    _resolution, _special, election = motions_of(assembly)
    result = _cast(assembly, owner, {election.pk: "abstain"})
    choice = BallotChoice.objects.get(ballot=result.ballot)
    assert choice.candidate is None and choice.choice == "abstain"


# --- bad input: refused with a message in Chinese, nothing stored -----------------------


def _stored() -> dict:
    """Return everything a cast could write: rows, ledger heads, audit and notifications."""
    return {
        "ballots": Ballot.objects.count(),
        "choices": BallotChoice.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "heads": sorted(LedgerHead.objects.values_list("assembly_id", "sequence", "last_hash")),
        "audit": AuditEvent.objects.count(),
        "proxies": Proxy.objects.count(),
    }


def _assert_refused(call, message_part):
    before = _stored()
    with pytest.raises(ValidationError) as excinfo:
        call()
    message = " ".join(excinfo.value.messages)
    assert message_part in message
    assert re.search(r"[\u4e00-\u9fff]", message), message  # said in Chinese
    assert _stored() == before


@pytest.fixture
def voted_once(assembly, owner_building1):
    """A ballot already in the chain, so the ledger head has a hash to keep."""
    result = _cast(assembly, owner_building1)
    assert result.ballot.sequence == 1
    return result


def test_voting_before_open_is_refused(draft_assembly, committee_chair, owner):
    actions.announce_assembly(
        draft_assembly, actor=committee_chair, now=timezone.now() - timedelta(hours=1)
    )
    right = VotingRight(assembly=draft_assembly)  # no roll yet: the window check comes first
    _assert_refused(
        lambda: actions.cast_ballot(
            draft_assembly, right, {}, channel=Channel.ONLINE, cast_by=owner
        ),
        "投票尚未开始",
    )


@pytest.mark.usefixtures("voted_once")
def test_voting_after_close_is_refused(assembly, owner):
    later = assembly.voting_closes_at + timedelta(minutes=1)
    _assert_refused(lambda: _cast(assembly, owner, now=later), "投票已经结束")
    actions.close_voting(assembly, now=later)
    assert AssemblyPage.objects.get(pk=assembly.pk).state == AssemblyState.CLOSED
    _assert_refused(lambda: _cast(assembly, owner), "投票已经结束")


@pytest.mark.usefixtures("voted_once")
def test_tenant_is_refused(assembly, owner, tenant):
    right = right_of(owner, assembly)
    _assert_refused(
        lambda: actions.cast_ballot(
            assembly, right, full_choices(assembly), channel=Channel.ONLINE, cast_by=tenant
        ),
        "住户（物业使用人）不享有投票权",
    )


@pytest.mark.usefixtures("voted_once")
def test_unverified_account_is_refused(assembly, owner):
    stranger = UserFactory(display_name="钱多多", phone_verified=False)
    _assert_refused(
        lambda: actions.cast_ballot(
            assembly,
            right_of(owner, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=stranger,
        ),
        "尚未认证为本小区业主",
    )


@pytest.mark.usefixtures("voted_once")
def test_owner_cannot_vote_for_anothers_right(assembly, owner, owner_building1):
    _assert_refused(
        lambda: actions.cast_ballot(
            assembly,
            right_of(owner_building1, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=owner,
        ),
        "不是该投票权的权利人",
    )


@pytest.mark.usefixtures("voted_once")
def test_motion_from_another_assembly_is_refused(assembly, estate_a, committee_chair, owner):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    foreign_motion = other.motions.first()
    _assert_refused(lambda: _cast(assembly, owner, {foreign_motion.pk: "agree"}), "不属于本次会议")


@pytest.mark.usefixtures("voted_once")
def test_candidate_from_another_assembly_is_refused(assembly, estate_a, committee_chair, owner):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    foreign = motions_of(other)[2].candidates.first()
    election = motions_of(assembly)[2]
    _assert_refused(lambda: _cast(assembly, owner, {election.pk: [foreign.pk]}), "候选人不属于")


@pytest.mark.usefixtures("voted_once")
def test_more_candidates_than_seats_is_refused(assembly, owner):
    election = motions_of(assembly)[2]
    everyone = list(election.candidates.values_list("pk", flat=True))
    assert len(everyone) == 6 and election.seats == 5
    _assert_refused(lambda: _cast(assembly, owner, {election.pk: everyone}), "最多只能选 5 名")


@pytest.mark.usefixtures("voted_once")
def test_choice_outside_agree_oppose_abstain_is_refused(assembly, owner):
    resolution = motions_of(assembly)[0]
    _assert_refused(
        lambda: _cast(assembly, owner, {resolution.pk: "yes"}), "只能是同意、反对或弃权"
    )


@pytest.mark.usefixtures("voted_once")
def test_all_blank_is_refused(assembly, owner):
    _assert_refused(lambda: _cast(assembly, owner, {}), "请至少对一项表决事项作出选择")


def test_right_from_another_assembly_is_refused(assembly, estate_a, committee_chair, owner):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    _assert_refused(
        lambda: actions.cast_ballot(
            assembly,
            right_of(owner, other),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=owner,
        ),
        "不在本次会议的选民名册上",
    )


# --- a forged proxy: whatever the agent claims, no approved authorisation, no ballot ------


@pytest.fixture
def agent(db):
    return UserFactory(display_name="赵小红", phone="+8613900001111")


def _cast_as_agent(assembly, grantor, agent):
    return actions.cast_ballot(
        assembly,
        right_of(grantor, assembly),
        full_choices(assembly),
        channel=Channel.PROXY,
        cast_by=agent,
    )


@pytest.mark.usefixtures("voted_once")
def test_a_proxy_ballot_without_any_authorisation_is_refused(assembly, owner, agent):
    _assert_refused(lambda: _cast_as_agent(assembly, owner, agent), "没有经业委会批准")


@pytest.mark.usefixtures("voted_once")
@pytest.mark.parametrize("status", [ProxyStatus.PENDING, ProxyStatus.REJECTED])
def test_a_proxy_ballot_on_an_unapproved_authorisation_is_refused(assembly, owner, agent, status):
    Proxy.objects.create(
        assembly=assembly,
        identity=owner.owner_identities.get(),
        grantor=owner,
        agent=agent,
        scan=pdf_scan(),
        status=status,
    )
    _assert_refused(lambda: _cast_as_agent(assembly, owner, agent), "没有经业委会批准")


@pytest.mark.usefixtures("voted_once")
def test_an_approved_proxy_cannot_be_used_for_another_owners_right(
    assembly, owner, register, agent, committee_chair
):
    proxy = actions.register_proxy(
        assembly, grantor=owner, agent_phone="13900001111", scan=pdf_scan()
    )
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    _assert_refused(
        lambda: _cast_as_agent(assembly, register.multi_owner, agent), "没有经业委会批准"
    )


@pytest.mark.usefixtures("voted_once")
def test_an_approved_proxy_of_another_assembly_is_refused(
    assembly, estate_a, owner, agent, committee_chair
):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    proxy = actions.register_proxy(other, grantor=owner, agent_phone="13900001111", scan=pdf_scan())
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    _assert_refused(lambda: _cast_as_agent(assembly, owner, agent), "没有经业委会批准")


@pytest.mark.usefixtures("voted_once")
def test_the_owner_cannot_pose_as_their_own_agent(assembly, owner):
    _assert_refused(lambda: _cast_as_agent(assembly, owner, owner), "没有经业委会批准")


@pytest.mark.usefixtures("voted_once")
def test_a_tenant_posing_as_an_agent_is_refused(assembly, owner, tenant):
    _assert_refused(lambda: _cast_as_agent(assembly, owner, tenant), "没有经业委会批准")


def test_an_unknown_channel_is_refused(assembly, owner):
    _assert_refused(lambda: _cast(assembly, owner, channel="sms"), "未知的投票方式")
