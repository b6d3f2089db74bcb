"""The tally: SQL aggregates over the counted ballots, decided by voting.rules.

Most tests use 方正小区, an estate of six flats of 100.00 ㎡ each (six heads, 600 ㎡), so the
legal boundaries fall on whole ballots: 4 of 6 is exactly 2/3, 2 of 4 exactly 1/2, 3 of 4
exactly 3/4. Ballots are entered as paper ballots by the chair (any right, no accounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.community import actions as community_actions
from portal.community.choices import RoleKind
from tests.factories import BuildingFactory, UnitFactory, UserFactory, make_estate
from tests.voting.conftest import (
    full_choices,
    motions_of,
    open_assembly,
    png_scan,
    right_of,
)
from voting import actions, rules
from voting.choices import AssemblyState
from voting.models import AssemblyPage, VotingRight
from voting.tally import as_data, counted_ballots, tally

pytestmark = pytest.mark.django_db


@dataclass
class Square:
    assembly: AssemblyPage
    chair: object
    rights: list[VotingRight]


def square_estate(community, *, flats: int = 6, **options) -> Square:
    estate = make_estate(name="方正小区", slug="fangzheng", community=community)
    building = BuildingFactory(estate=estate, name="1栋")
    for floor in range(1, flats + 1):
        UnitFactory(
            building=building, number=f"{floor}01", floor=floor, exclusive_area=Decimal("100.00")
        )
    chair = UserFactory(display_name="方主任")
    community_actions.grant_role(chair, RoleKind.COMMITTEE_CHAIR, estate=estate)
    assembly = open_assembly(estate, chair, **options)
    rights = list(VotingRight.objects.filter(assembly=assembly).order_by("pk"))
    return Square(assembly, chair, rights)


@pytest.fixture
def square(community_a) -> Square:
    return square_estate(community_a)


def paper(square: Square, right: VotingRight, choices: dict) -> None:
    actions.enter_paper_ballot(
        square.assembly, right, choices, entered_by=square.chair, scan=png_scan()
    )


def close(assembly: AssemblyPage) -> AssemblyPage:
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    return AssemblyPage.objects.get(pk=assembly.pk)


def resolution_votes(square: Square, *votes: str, special: bool = False) -> None:
    ordinary, special_motion, _election = motions_of(square.assembly)
    motion = special_motion if special else ordinary
    for right, vote in zip(square.rights, votes, strict=False):
        paper(square, right, {motion.pk: vote})


def test_quorum_is_met_at_exactly_two_thirds_of_area_and_heads(square):
    resolution_votes(square, "agree", "agree", "agree", "oppose")
    result = tally(close(square.assembly)).motions[0]
    assert result.tally.participating_heads == 4
    assert result.tally.participating_area == Decimal("400.00")
    assert result.outcome.quorum_met
    assert result.outcome.passed


def test_one_head_less_than_two_thirds_misses_the_quorum(square):
    resolution_votes(square, "agree", "agree", "agree")
    outcome = tally(close(square.assembly)).motions[0].outcome
    assert not outcome.quorum_met and not outcome.passed
    assert rules.Failure.QUORUM_HEADS in outcome.failures


def test_exactly_half_agree_fails_an_ordinary_matter(square):
    resolution_votes(square, "agree", "agree", "oppose", "abstain")
    outcome = tally(close(square.assembly)).motions[0].outcome
    assert outcome.quorum_met
    assert not outcome.passed
    assert set(outcome.failures) == {rules.Failure.APPROVAL_AREA, rules.Failure.APPROVAL_HEADS}


def test_abstentions_count_as_taking_part(square):
    resolution_votes(square, "agree", "agree", "agree", "abstain", "abstain", "abstain")
    result = tally(close(square.assembly)).motions[0]
    assert result.tally.abstain_heads == 3
    assert result.tally.participating_heads == 6
    assert not result.outcome.passed  # 3 of 6 is not more than half


def test_exactly_three_quarters_passes_a_special_matter(square):
    resolution_votes(square, "agree", "agree", "agree", "oppose", special=True)
    result = tally(close(square.assembly)).motions[1]
    assert rules.is_special(result.outcome.matter)
    assert result.outcome.passed
    assert result.outcome.basis == rules.BASIS_MOTION_SPECIAL


def test_two_of_three_agree_fails_a_special_matter(square):
    resolution_votes(square, "agree", "agree", "oppose", "abstain", special=True)
    assert not tally(close(square.assembly)).motions[1].outcome.passed


def test_a_blank_motion_is_not_taking_part_in_it(square):
    ordinary, special, _election = motions_of(square.assembly)
    for right in square.rights[:4]:
        paper(square, right, {ordinary.pk: "agree"})
    result = tally(close(square.assembly))
    assert result.motions[0].tally.participating_heads == 4
    assert result.motions[1].tally.participating_heads == 0
    assert not result.motions[1].outcome.quorum_met


def test_a_superseded_ballot_is_counted_once_as_its_latest_version(
    estate_a, register, committee_chair, owner
):
    assembly = open_assembly(estate_a, committee_chair, allow_change_before_close=True)
    ordinary, _special, _election = motions_of(assembly)
    right = right_of(owner, assembly)
    actions.cast_ballot(assembly, right, {ordinary.pk: "oppose"}, channel="online", cast_by=owner)
    actions.cast_ballot(assembly, right, {ordinary.pk: "agree"}, channel="online", cast_by=owner)
    result = tally(close(assembly)).motions[0]
    assert result.tally.agree_heads == 1 and result.tally.oppose_heads == 0
    assert result.tally.agree_area == Decimal("120.50")


@pytest.mark.parametrize(("priority", "counted"), [("online", "agree"), ("paper", "oppose")])
def test_a_right_that_voted_online_and_on_paper_counts_once_by_the_priority_rule(
    estate_a, register, committee_chair, owner, priority, counted
):
    assembly = open_assembly(estate_a, committee_chair, channel_priority=priority)
    ordinary, _special, _election = motions_of(assembly)
    right = right_of(owner, assembly)
    actions.cast_ballot(assembly, right, {ordinary.pk: "agree"}, channel="online", cast_by=owner)
    actions.enter_paper_ballot(
        assembly, right, {ordinary.pk: "oppose"}, entered_by=committee_chair, scan=png_scan()
    )
    closed = close(assembly)
    assert counted_ballots(closed).count() == 1
    result = tally(closed).motions[0]
    assert result.tally.participating_heads == 1
    assert getattr(result.tally, f"{counted}_heads") == 1
    assert closed.ballots.count() == 2  # both records stay


def test_an_unconfirmed_paper_ballot_does_not_count(estate_a, register, committee_chair):
    assembly = open_assembly(estate_a, committee_chair, paper_needs_confirmation=True)
    ordinary, _special, _election = motions_of(assembly)
    right = VotingRight.objects.filter(assembly=assembly).first()
    actions.enter_paper_ballot(
        assembly, right, {ordinary.pk: "agree"}, entered_by=committee_chair, scan=png_scan()
    )
    assert tally(close(assembly)).motions[0].tally.participating_heads == 0


def test_deemed_consent_is_shown_beside_the_actual_tally_never_merged(community_a):
    square = square_estate(community_a, deemed_consent=True)
    resolution_votes(square, "agree", "agree", "oppose")
    result = tally(close(square.assembly)).motions[0]
    assert not result.outcome.passed  # actual: 3 of 6 heads took part, no quorum
    assert result.deemed is not None
    assert result.deemed.actual is result.outcome
    assert result.deemed.majority_side is rules.Side.AGREE
    assert result.deemed.deemed.tally.agree_heads == 5
    assert result.deemed.deemed.passed
    data = as_data(tally(square.assembly))["motions"][0]
    assert data["passed"] is False and data["deemed"]["passed"] is True
    assert data["agree"] == {"area": "200.00", "heads": 2}
    assert data["deemed"]["agree"] == {"area": "500.00", "heads": 5}


def test_without_deemed_consent_there_is_no_deemed_tally(square):
    resolution_votes(square, "agree", "agree", "oppose")
    data = as_data(tally(close(square.assembly)))
    assert all(motion.get("deemed") is None for motion in data["motions"])


def test_an_election_tie_for_the_last_seats_is_reported_never_broken(square):
    _ordinary, _special, election = motions_of(square.assembly)
    a, b, c, d, e, f = election.candidates.order_by("sort_order")
    # Everyone approves 王建国, 李秀英, 张伟; the other two picks rotate so that 刘洋, 陈静
    # and 杨磊 end level (4 of 6 each) for the last two seats.
    pairs = [(d, e), (e, f), (d, f)] * 2
    for right, pair in zip(square.rights, pairs, strict=True):
        paper(square, right, {election.pk: [a.pk, b.pk, c.pk, *(x.pk for x in pair)]})
    result = tally(close(square.assembly)).motions[2]
    assert result.is_election
    assert result.participation == rules.Count(Decimal("600.00"), 6)
    assert result.outcome.elected == (a.pk, b.pk, c.pk)
    assert result.outcome.tie is not None
    assert set(result.outcome.tie.candidates) == {d.pk, e.pk, f.pk}
    data = as_data(tally(square.assembly))["motions"][2]
    assert data["tie"] == {"candidates": ["刘洋", "陈静", "杨磊"], "seats": 2}
    assert data["unfilled_seats"] == 2
    assert data["elected"] == ["王建国", "李秀英", "张伟"]
    assert [c["approvals"]["heads"] for c in data["candidates"]] == [6, 6, 6, 4, 4, 4]


def test_a_blank_election_ballot_takes_part_without_approving(square):
    _ordinary, _special, election = motions_of(square.assembly)
    first = election.candidates.order_by("sort_order").first()
    for right in square.rights[:3]:
        paper(square, right, {election.pk: [first.pk]})
    paper(square, square.rights[3], {election.pk: "abstain"})
    result = tally(close(square.assembly)).motions[2]
    assert result.participation.heads == 4
    assert result.blank == rules.Count(Decimal("100.00"), 1)
    assert result.outcome.elected == (first.pk,)


def test_the_tally_is_refused_while_voting_is_open(assembly):
    with pytest.raises(ValidationError, match="投票结束前"):
        tally(assembly)


def test_the_tally_uses_a_bounded_number_of_queries(
    estate_a, register, committee_chair, owner, owner_building1, django_assert_max_num_queries
):
    assembly = open_assembly(estate_a, committee_chair)
    for user in (owner, owner_building1, register.multi_owner):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel="online",
            cast_by=user,
        )
    closed = close(assembly)
    # Roll, motions, resolution sums, overall and election participation, approvals,
    # candidates, and the estate for the data.
    with django_assert_max_num_queries(8):
        result = tally(closed)
    assert result.counted == 3


def test_the_query_count_does_not_grow_with_the_number_of_ballots(
    community_a, django_assert_max_num_queries
):
    few = square_estate(community_a, flats=6)
    resolution_votes(few, "agree", "oppose")
    closed_few = close(few.assembly)
    with django_assert_max_num_queries(20) as baseline:
        tally(closed_few)
    many = square_estate_named(community_a, "宽广小区", "kuanguang", flats=30)
    ordinary, special, election = motions_of(many.assembly)
    picked = list(election.candidates.values_list("pk", flat=True)[:3])
    for right in many.rights:
        paper(many, right, {ordinary.pk: "agree", special.pk: "abstain", election.pk: picked})
    closed_many = close(many.assembly)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        result = tally(closed_many)
    assert result.counted == 30


def square_estate_named(community, name: str, slug: str, *, flats: int) -> Square:
    estate = make_estate(name=name, slug=slug, community=community)
    building = BuildingFactory(estate=estate, name="1栋")
    for number in range(1, flats + 1):
        UnitFactory(
            building=building,
            number=f"{number:02d}01",
            floor=number,
            exclusive_area=Decimal("100.00"),
        )
    chair = UserFactory(display_name="宽主任")
    community_actions.grant_role(chair, RoleKind.COMMITTEE_CHAIR, estate=estate)
    assembly = open_assembly(estate, chair)
    rights = list(VotingRight.objects.filter(assembly=assembly).order_by("pk"))
    return Square(assembly, chair, rights)


def test_the_data_carries_every_figure_the_results_files_need(square):
    resolution_votes(square, "agree", "agree", "agree", "oppose")
    closed = close(square.assembly)
    data = as_data(tally(closed))
    first = data["motions"][0]
    assert data["totals"] == {"area": "600.00", "heads": 6}
    assert first["participating"] == {
        "area": "400.00",
        "heads": 4,
        "area_percent": "66.66",
        "heads_percent": "66.66",
    }
    assert first["agree"] == {"area": "300.00", "heads": 3}
    assert first["oppose"] == {"area": "100.00", "heads": 1}
    assert first["quorum_met"] is True and first["passed"] is True
    assert first["legal_basis"].startswith("民法典第二百七十八条")
    assert closed.state == AssemblyState.CLOSED
    assert data["computed_at"] <= timezone.now().isoformat()
