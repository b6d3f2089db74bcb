"""Specification of the Civil Code Art. 278 voting rules (voting/rules.py): no database."""

from __future__ import annotations

import ast
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting import rules
from voting.rules import (
    Count,
    Failure,
    Matter,
    Side,
    Tally,
    Totals,
    VotingRuleError,
    approved,
    as_percent,
    decide_election,
    decide_motion,
    is_special,
    majority_side,
    quorum_met,
    turnout,
    turnout_area,
    turnout_heads,
    validate_election_choice,
)

D = Decimal

# 锦绣花园: 300 owners (head-count groups) holding 30000.15 m² of exclusive area. Two thirds of
# that area, 20000.10 m², is a case where float arithmetic gets the boundary wrong.
ROLL = Totals(D("30000.15"), 300)
TWO_THIRDS_AREA = D("20000.10")
TWO_THIRDS_HEADS = 200

SPECIAL = [Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.COMMON_PARTS_USE]
ORDINARY = [m for m in Matter if m not in SPECIAL]


def participating(area: Decimal, heads: int) -> Tally:
    """Return a tally where everyone taking part agrees (participation is all that matters)."""
    return Tally(agree_area=area, agree_heads=heads)


# ---------------------------------------------------------------------------
# Matters


@pytest.mark.parametrize("matter", SPECIAL)
def test_raising_fund_rebuilding_and_changing_common_use_are_special(matter):
    assert is_special(matter)


@pytest.mark.parametrize("matter", ORDINARY)
def test_items_one_to_five_and_nine_are_ordinary(matter):
    assert not is_special(matter)


def test_matters_are_numbered_as_the_items_of_article_278():
    assert [m.value for m in Matter] == list(range(1, 10))
    assert is_special(6) and not is_special(5)


def test_matter_labels_use_the_statutory_wording():
    assert [m.label for m in Matter] == [
        "制定和修改业主大会议事规则",
        "制定和修改管理规约",
        "选举业主委员会或者更换业主委员会成员",
        "选聘和解聘物业服务企业或者其他管理人",
        "使用建筑物及其附属设施的维修资金",
        "筹集建筑物及其附属设施的维修资金",
        "改建、重建建筑物及其附属设施",
        "改变共有部分的用途或者利用共有部分从事经营活动",
        "有关共有和共同管理权利的其他重大事项",
    ]


# ---------------------------------------------------------------------------
# Quorum


def test_quorum_is_met_at_exactly_two_thirds_of_area_and_heads():
    check = quorum_met(participating(TWO_THIRDS_AREA, TWO_THIRDS_HEADS), ROLL)
    assert check.passed
    assert check.area.share == Fraction(2, 3)
    assert check.heads.share == Fraction(2, 3)


def test_quorum_at_two_thirds_passes_where_float_arithmetic_would_fail():
    # The naive float test gets this boundary wrong; the law does not.
    assert not float(TWO_THIRDS_AREA) >= float(ROLL.area) * 2 / 3
    assert quorum_met(participating(TWO_THIRDS_AREA, TWO_THIRDS_HEADS), ROLL)


def test_quorum_fails_one_hundredth_of_a_square_metre_below_two_thirds():
    check = quorum_met(participating(D("20000.09"), TWO_THIRDS_HEADS), ROLL)
    assert not check.passed
    assert check.failures == (Failure.QUORUM_AREA,)


def test_quorum_fails_one_head_below_two_thirds():
    check = quorum_met(participating(TWO_THIRDS_AREA, TWO_THIRDS_HEADS - 1), ROLL)
    assert not check.passed
    assert check.failures == (Failure.QUORUM_HEADS,)


def test_quorum_fails_when_area_passes_but_heads_do_not():
    # A few large owners (e.g. the developer's unsold units) cannot carry the quorum alone.
    check = quorum_met(participating(D("29000.00"), 10), ROLL)
    assert check.area.passed and not check.heads.passed
    assert not check


def test_quorum_fails_when_heads_pass_but_area_does_not():
    check = quorum_met(participating(D("15000.00"), 290), ROLL)
    assert check.heads.passed and not check.area.passed
    assert not check


def test_abstentions_count_towards_the_quorum():
    tally = Tally(
        agree_area=D("5000.00"),
        agree_heads=50,
        abstain_area=D("15000.10"),
        abstain_heads=150,
    )
    assert quorum_met(tally, ROLL)


def test_zero_participation_never_meets_the_quorum():
    check = quorum_met(Tally(), ROLL)
    assert check.failures == (Failure.QUORUM_AREA, Failure.QUORUM_HEADS)


def test_an_empty_roll_never_meets_the_quorum():
    assert not quorum_met(Tally(), Totals(D("0.00"), 0))


def test_quorum_states_its_legal_basis():
    check = quorum_met(participating(TWO_THIRDS_AREA, TWO_THIRDS_HEADS), ROLL)
    assert "民法典第二百七十八条" in check.basis
    assert "三分之二以上" in check.basis


# ---------------------------------------------------------------------------
# Ordinary approval: more than half


def test_ordinary_matter_fails_with_exactly_half_of_the_area_agreeing():
    tally = Tally(D("10000.05"), 150, D("10000.05"), 50)
    check = approved(tally, Matter.MANAGEMENT_COVENANT)
    assert check.area.share == Fraction(1, 2)
    assert check.failures == (Failure.APPROVAL_AREA,)


def test_ordinary_matter_passes_one_hundredth_of_a_square_metre_above_half():
    tally = Tally(D("10000.06"), 150, D("10000.04"), 50)
    assert approved(tally, Matter.MANAGEMENT_COVENANT)


def test_ordinary_matter_fails_with_exactly_half_of_the_heads_agreeing():
    tally = Tally(D("15000.00"), 100, D("5000.10"), 100)
    check = approved(tally, Matter.PROPERTY_SERVICE)
    assert check.failures == (Failure.APPROVAL_HEADS,)


def test_ordinary_matter_passes_one_head_above_half():
    tally = Tally(D("15000.00"), 101, D("5000.10"), 99)
    assert approved(tally, Matter.PROPERTY_SERVICE)


def test_ordinary_approval_fails_when_area_passes_but_heads_do_not():
    tally = Tally(D("15000.00"), 80, D("5000.10"), 120)
    check = approved(tally, Matter.RULES_OF_PROCEDURE)
    assert check.area.passed and not check.heads.passed
    assert not check


def test_ordinary_approval_fails_when_heads_pass_but_area_does_not():
    tally = Tally(D("8000.00"), 150, D("12000.10"), 50)
    check = approved(tally, Matter.RULES_OF_PROCEDURE)
    assert check.heads.passed and not check.area.passed
    assert not check


# ---------------------------------------------------------------------------
# Special approval: three quarters or more


@pytest.mark.parametrize("matter", SPECIAL)
def test_special_matter_passes_at_exactly_three_quarters(matter):
    tally = Tally(D("15000.03"), 150, D("5000.01"), 50)
    check = approved(tally, matter)
    assert check.area.share == Fraction(3, 4)
    assert check.heads.share == Fraction(3, 4)
    assert check.passed


@pytest.mark.parametrize("matter", SPECIAL)
def test_special_matter_fails_one_hundredth_of_a_square_metre_below_three_quarters(matter):
    tally = Tally(D("15000.02"), 150, D("5000.02"), 50)
    assert approved(tally, matter).failures == (Failure.APPROVAL_AREA,)


@pytest.mark.parametrize("matter", SPECIAL)
def test_special_matter_fails_one_head_below_three_quarters(matter):
    tally = Tally(D("15000.03"), 149, D("5000.01"), 51)
    assert approved(tally, matter).failures == (Failure.APPROVAL_HEADS,)


def test_special_approval_fails_when_area_passes_but_heads_do_not():
    tally = Tally(D("18000.00"), 140, D("2000.10"), 60)
    check = approved(tally, Matter.REBUILD)
    assert check.area.passed and not check.heads.passed


def test_special_approval_fails_when_heads_pass_but_area_does_not():
    tally = Tally(D("14000.00"), 190, D("6000.10"), 10)
    check = approved(tally, Matter.REBUILD)
    assert check.heads.passed and not check.area.passed


@pytest.mark.parametrize("matter", list(Matter))
def test_two_thirds_agreeing_passes_only_ordinary_matters(matter):
    tally = Tally(D("14000.00"), 140, D("7000.00"), 70)
    assert approved(tally, matter).passed is (not is_special(matter))


def test_abstentions_count_in_the_denominator_of_approval():
    without = Tally(D("12000.00"), 120, D("8000.10"), 80)
    assert approved(without, Matter.MANAGEMENT_COVENANT)
    # The same agree and oppose votes, with many owners abstaining: no longer a majority.
    many_abstain = Tally(
        D("12000.00"), 120, D("8000.10"), 80, abstain_area=D("9000.00"), abstain_heads=90
    )
    assert not approved(many_abstain, Matter.MANAGEMENT_COVENANT)
    assert not decide_motion(many_abstain, ROLL, Matter.MANAGEMENT_COVENANT).passed


@pytest.mark.parametrize("matter", list(Matter))
def test_zero_participation_is_never_approved(matter):
    check = approved(Tally(), matter)
    assert check.area.share is None
    assert check.failures == (Failure.APPROVAL_AREA, Failure.APPROVAL_HEADS)


def test_decimal_areas_with_odd_hundredths_are_counted_exactly():
    # 89.37 + 101.29 + 73.01 agree; 0.01 m² more opposing would tip the balance.
    agree = D("89.37") + D("101.29") + D("73.01")
    tally = Tally(agree, 3, agree - D("0.01"), 2)
    assert approved(tally, Matter.OTHER_MAJOR_MATTER)
    assert approved(tally, Matter.OTHER_MAJOR_MATTER).area.share == Fraction(26367, 52733)
    level = Tally(agree, 3, agree, 2)
    assert not approved(level, Matter.OTHER_MAJOR_MATTER)


# ---------------------------------------------------------------------------
# Deciding a motion


def test_motion_passes_with_quorum_and_approval_and_states_the_special_basis():
    tally = Tally(D("18000.00"), 180, D("3000.00"), 30, D("1000.00"), 10)
    outcome = decide_motion(tally, ROLL, Matter.RAISE_MAINTENANCE_FUND)
    assert outcome.passed and outcome.quorum_met
    assert outcome.failures == ()
    assert "民法典第二百七十八条" in outcome.basis
    assert "三分之二以上" in outcome.basis
    assert "四分之三以上" in outcome.basis


def test_ordinary_motion_states_the_majority_basis():
    tally = Tally(D("18000.00"), 180, D("3000.00"), 30)
    outcome = decide_motion(tally, ROLL, Matter.USE_MAINTENANCE_FUND)
    assert outcome.passed
    assert "民法典第二百七十八条" in outcome.basis
    assert "过半数" in outcome.basis
    assert "四分之三" not in outcome.basis


def test_motion_reports_its_figures_by_area_and_heads():
    tally = Tally(D("18000.00"), 180, D("3000.00"), 30, D("1000.00"), 10)
    outcome = decide_motion(tally, ROLL, Matter.REBUILD)
    assert outcome.quorum.area.part == Fraction(22000)
    assert outcome.quorum.area.whole == Fraction(D("30000.15"))
    assert outcome.quorum.area.threshold == Fraction(2, 3)
    assert outcome.quorum.heads.share == Fraction(220, 300)
    assert outcome.approval.area.share == Fraction(18000, 22000)
    assert outcome.approval.heads.share == Fraction(180, 220)
    assert outcome.approval.heads.threshold == Fraction(3, 4)
    assert outcome.approval.heads.inclusive


def test_failing_motion_says_which_tests_failed():
    # Quorum fails by heads only; approval fails by area only.
    tally = Tally(D("9000.00"), 150, D("12000.00"), 40)
    outcome = decide_motion(tally, ROLL, Matter.COMMITTEE_ELECTION)
    assert not outcome.passed
    assert outcome.failures == (Failure.QUORUM_HEADS, Failure.APPROVAL_AREA)
    assert outcome.failure_texts == (
        "参与表决的业主人数未达到全体业主总人数的三分之二",
        "同意的业主专有部分面积未超过参与表决专有部分面积的半数",
    )


def test_motion_approved_without_quorum_does_not_pass():
    tally = participating(D("19000.00"), 190)
    outcome = decide_motion(tally, ROLL, Matter.MANAGEMENT_COVENANT)
    assert outcome.approval.passed
    assert not outcome.passed
    assert outcome.failures == (Failure.QUORUM_AREA, Failure.QUORUM_HEADS)


def test_special_failure_texts_name_three_quarters():
    outcome = decide_motion(Tally(D("14000.00"), 140, D("7000.00"), 70), ROLL, Matter.REBUILD)
    assert outcome.failure_texts == (
        "同意的业主专有部分面积未达到参与表决专有部分面积的四分之三",
        "同意的业主人数未达到参与表决人数的四分之三",
    )


def test_every_basis_and_failure_text_is_chinese_and_cites_the_code_where_it_decides():
    for basis in (
        rules.BASIS_QUORUM,
        rules.BASIS_APPROVAL_SPECIAL,
        rules.BASIS_APPROVAL_ORDINARY,
        rules.BASIS_MOTION_SPECIAL,
        rules.BASIS_MOTION_ORDINARY,
        rules.BASIS_ELECTION,
    ):
        assert basis.startswith("民法典第二百七十八条：")


# ---------------------------------------------------------------------------
# Bad input


def test_float_areas_are_refused():
    with pytest.raises(VotingRuleError, match="Decimal"):
        Tally(agree_area=20000.1, agree_heads=200)


def test_negative_areas_and_heads_are_refused():
    with pytest.raises(VotingRuleError, match="不能为负数"):
        Totals(D("-1.00"), 3)
    with pytest.raises(VotingRuleError, match="不能为负数"):
        Tally(oppose_heads=-1)


def test_boolean_head_counts_are_refused():
    with pytest.raises(VotingRuleError, match="必须是整数"):
        Totals(D("1.00"), True)


def test_participation_above_the_roll_is_refused():
    with pytest.raises(VotingRuleError, match="数据有误"):
        decide_motion(participating(D("30000.16"), 10), ROLL, Matter.REBUILD)
    with pytest.raises(VotingRuleError, match="数据有误"):
        quorum_met(participating(D("1.00"), 301), ROLL)


def test_rule_errors_render_through_a_translator():
    with pytest.raises(VotingRuleError) as error:
        validate_election_choice(8, 7)
    assert error.value.message == (
        "本次选举共 %(seats)s 个席位，每张选票最多同意 %(seats)s 名候选人，您选择了 %(chosen)s 名"
    )
    assert error.value.render() == "本次选举共 7 个席位，每张选票最多同意 7 名候选人，您选择了 8 名"
    assert error.value.render(lambda s: s.replace("本次选举", "这次选举")).startswith("这次选举")


def test_rules_module_imports_nothing_from_django():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not [name for name in imported if name.split(".")[0] in {"django", "wagtail"}]


# ---------------------------------------------------------------------------
# Deemed consent (未参与表决视为同意多数)


def test_deemed_consent_is_off_by_default():
    tally = participating(D("10000.00"), 100)
    outcome = decide_motion(tally, ROLL, Matter.MANAGEMENT_COVENANT)
    assert isinstance(outcome, rules.Outcome)
    assert not outcome.passed


def test_deemed_consent_shows_actual_and_deemed_outcomes_side_by_side():
    tally = Tally(D("8000.00"), 80, D("2000.00"), 20)
    result = decide_motion(tally, ROLL, Matter.MANAGEMENT_COVENANT, deemed_consent=True)
    assert not result.actual.passed
    assert result.actual.tally == tally  # the actual tally is never touched
    assert result.majority_side is Side.AGREE
    assert result.deemed_count == Count(D("20000.15"), 200)
    assert result.deemed.tally.agree_area == D("28000.15")
    assert result.deemed.tally.agree_heads == 280
    assert result.deemed.tally.oppose_area == D("2000.00")
    assert result.deemed.passed
    # Never merged: the caller must say which outcome it means.
    assert not hasattr(result, "passed")


def test_deemed_consent_adds_non_participants_to_an_opposing_majority():
    tally = Tally(D("2000.00"), 20, D("8000.00"), 80)
    result = decide_motion(tally, ROLL, Matter.PROPERTY_SERVICE, deemed_consent=True)
    assert result.majority_side is Side.OPPOSE
    assert result.deemed.tally.oppose_heads == 280
    assert result.deemed.quorum_met
    assert not result.deemed.passed
    assert result.note == "未参与表决的业主按议事规则视为同意多数，计入反对"


def test_deemed_consent_deems_nothing_without_a_majority_side():
    # Agree leads by area, oppose by heads: no side holds the majority on both measures.
    split = Tally(D("6000.00"), 40, D("4000.00"), 60)
    result = decide_motion(split, ROLL, Matter.MANAGEMENT_COVENANT, deemed_consent=True)
    assert result.majority_side is None
    assert result.deemed == result.actual
    assert result.deemed_count == Count(D("0"), 0)
    level = Tally(D("5000.00"), 50, D("5000.00"), 50, D("3000.00"), 30)
    assert majority_side(level) is None


def test_deemed_consent_can_be_limited_to_owners_with_delivery_proof():
    tally = Tally(D("8000.00"), 80, D("2000.00"), 20)
    served = Count(D("9000.00"), 90)
    result = decide_motion(
        tally, ROLL, Matter.MANAGEMENT_COVENANT, deemed_consent=True, deemable=served
    )
    assert result.deemed.tally.agree_area == D("17000.00")
    assert result.deemed.tally.agree_heads == 170
    assert not result.deemed.quorum_met


def test_deemable_owners_beyond_the_non_participants_are_refused():
    tally = Tally(D("8000.00"), 80, D("2000.00"), 20)
    with pytest.raises(VotingRuleError):
        decide_motion(
            tally,
            ROLL,
            Matter.MANAGEMENT_COVENANT,
            deemed_consent=True,
            deemable=Count(D("1.00"), 201),
        )


# ---------------------------------------------------------------------------
# Turnout


def test_turnout_gives_exact_fractions_of_area_and_heads():
    tally = Tally(D("8000.00"), 80, D("2000.00"), 20, D("10000.10"), 100)
    assert turnout(tally, ROLL) == rules.Turnout(Fraction(2, 3), Fraction(2, 3))
    assert turnout_area(tally, ROLL) == Fraction(2, 3)
    assert turnout_heads(Count(D("0"), 150), ROLL) == Fraction(1, 2)


def test_turnout_of_an_empty_roll_is_zero():
    assert turnout(Tally(), Totals(D("0"), 0)) == rules.Turnout(Fraction(0), Fraction(0))


def test_percentages_are_truncated_never_overstated():
    assert as_percent(Fraction(2, 3)) == D("66.66")
    assert as_percent(Fraction(3, 4)) == D("75.00")
    assert as_percent(Fraction(1)) == D("100.00")


# ---------------------------------------------------------------------------
# Committee elections (Art. 278 item 3)

ELECTORATE = Totals(D("30000.00"), 300)
BALLOTS = Count(D("24000.00"), 240)  # every ballot cast, blank ones included


def approvals(area: str, heads: int) -> Count:
    return Count(D(area), heads)


def test_seats_go_to_eligible_candidates_by_approving_area_then_heads():
    candidates = {
        "张伟": approvals("20000.00", 200),
        "王芳": approvals("19000.00", 210),
        "李娜": approvals("18000.00", 180),
        "刘洋": approvals("18000.00", 170),  # level with 李娜 on area, fewer heads
        "陈静": approvals("17000.00", 230),
        "杨磊": approvals("16000.00", 150),
    }
    outcome = decide_election(candidates, BALLOTS, ELECTORATE, seats=5)
    assert outcome.quorum_met
    assert outcome.elected == ("张伟", "王芳", "李娜", "刘洋", "陈静")
    assert outcome.tie is None
    assert outcome.unfilled_seats == 0
    assert [c.rank for c in outcome.candidates] == [1, 2, 3, 4, 5, 6]
    assert "过半数" in outcome.basis


def test_a_tie_for_the_last_seat_is_reported_and_the_seat_left_open():
    candidates = {
        "张伟": approvals("20000.00", 200),
        "王芳": approvals("19000.00", 190),
        "李娜": approvals("18000.00", 180),
        "刘洋": approvals("17000.00", 170),
        "陈静": approvals("16000.00", 160),
        "杨磊": approvals("16000.00", 160),
        "赵敏": approvals("15000.00", 150),
    }
    outcome = decide_election(candidates, BALLOTS, ELECTORATE, seats=5)
    assert outcome.elected == ("张伟", "王芳", "李娜", "刘洋")
    assert outcome.tie == rules.Tie(("陈静", "杨磊"), 1)
    assert outcome.unfilled_seats == 1
    tied = [c for c in outcome.candidates if c.candidate in {"陈静", "杨磊"}]
    assert [c.rank for c in tied] == [5, 5]


def test_three_candidates_level_for_two_seats_leave_both_open():
    candidates = {
        "张伟": approvals("20000.00", 200),
        "王芳": approvals("16000.00", 160),
        "李娜": approvals("16000.00", 160),
        "刘洋": approvals("16000.00", 160),
    }
    outcome = decide_election(candidates, BALLOTS, ELECTORATE, seats=3)
    assert outcome.elected == ("张伟",)
    assert outcome.tie == rules.Tie(("王芳", "李娜", "刘洋"), 2)
    assert outcome.unfilled_seats == 2


def test_level_candidates_who_all_fit_are_all_elected():
    candidates = {
        "张伟": approvals("16000.00", 160),
        "王芳": approvals("16000.00", 160),
        "李娜": approvals("15000.00", 150),
    }
    outcome = decide_election(candidates, BALLOTS, ELECTORATE, seats=3)
    assert outcome.elected == ("张伟", "王芳", "李娜")
    assert outcome.tie is None


def test_a_candidate_with_most_approvals_but_no_majority_of_heads_is_not_elected():
    candidates = {
        # Most approving area, but only exactly half of the participating heads.
        "开发商代表": approvals("23000.00", 120),
        "王芳": approvals("13000.00", 130),
        "李娜": approvals("12000.01", 125),
    }
    outcome = decide_election(candidates, BALLOTS, ELECTORATE, seats=3)
    assert outcome.elected == ("王芳", "李娜")
    assert outcome.unfilled_seats == 1
    developer = next(c for c in outcome.candidates if c.candidate == "开发商代表")
    assert not developer.eligible and developer.rank is None
    assert developer.majority.failures == (Failure.APPROVAL_HEADS,)


def test_a_candidate_at_exactly_half_the_area_is_not_elected():
    outcome = decide_election({"张伟": approvals("12000.00", 200)}, BALLOTS, ELECTORATE, seats=1)
    assert outcome.elected == ()


def test_nobody_is_elected_without_the_quorum():
    ballots = Count(D("19999.99"), 240)
    outcome = decide_election({"张伟": approvals("19000.00", 230)}, ballots, ELECTORATE, seats=5)
    assert not outcome.quorum_met
    assert outcome.quorum.failures == (Failure.QUORUM_AREA,)
    assert outcome.elected == ()
    assert outcome.candidates[0].eligible  # the figures are still reported


def test_election_participation_may_be_given_as_a_tally():
    ballots = Tally(D("20000.00"), 200, D("0"), 0, D("4000.00"), 40)
    outcome = decide_election({"张伟": approvals("13000.00", 121)}, ballots, ELECTORATE, 1)
    assert outcome.elected == ("张伟",)


def test_approvals_above_the_ballots_cast_are_refused():
    with pytest.raises(VotingRuleError):
        decide_election({"张伟": approvals("1.00", 241)}, BALLOTS, ELECTORATE, seats=5)


@pytest.mark.parametrize("seats", [0, -1])
def test_an_election_needs_at_least_one_seat(seats):
    with pytest.raises(VotingRuleError, match="席位数"):
        decide_election({}, BALLOTS, ELECTORATE, seats=seats)
    with pytest.raises(VotingRuleError, match="席位数"):
        validate_election_choice(0, seats)


def _accepted(n_chosen: int, seats: int) -> bool:
    try:
        validate_election_choice(n_chosen, seats)
    except VotingRuleError:
        return False
    return True


@pytest.mark.parametrize("seats", [1, 5, 7, 11])
def test_a_ballot_may_approve_none_up_to_as_many_candidates_as_seats(seats):
    assert [n for n in range(seats + 3) if _accepted(n, seats)] == list(range(seats + 1))


def test_a_ballot_approving_more_candidates_than_seats_is_refused():
    with pytest.raises(VotingRuleError, match="最多同意 7 名候选人"):
        validate_election_choice(8, 7)


# ---------------------------------------------------------------------------
# Properties, against a brute-force integer oracle in hundredths of a m²

cents = st.integers(min_value=0, max_value=10**9)
heads = st.integers(min_value=0, max_value=3000)


def area(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


@st.composite
def votes(draw, max_cents: int = 10**9, max_heads: int = 3000):
    """Draw (votes in hundredths, roll beyond them) so that the roll covers the tally."""
    some_cents = st.integers(min_value=0, max_value=max_cents)
    some_heads = st.integers(min_value=0, max_value=max_heads)
    v = {side: (draw(some_cents), draw(some_heads)) for side in ("agree", "oppose", "abstain")}
    extra_area, extra_heads = draw(some_cents), draw(some_heads)
    return v, extra_area, extra_heads


def build(v, extra_area, extra_heads) -> tuple[Tally, Totals]:
    tally = Tally(
        area(v["agree"][0]),
        v["agree"][1],
        area(v["oppose"][0]),
        v["oppose"][1],
        area(v["abstain"][0]),
        v["abstain"][1],
    )
    part_area = sum(a for a, _ in v.values())
    part_heads = sum(h for _, h in v.values())
    return tally, Totals(area(part_area + extra_area), part_heads + extra_heads)


def oracle_quorum(v, extra_area, extra_heads) -> bool:
    part_area = sum(a for a, _ in v.values())
    part_heads = sum(h for _, h in v.values())
    total_area, total_heads = part_area + extra_area, part_heads + extra_heads
    return (
        part_area > 0
        and part_heads > 0
        and 3 * part_area >= 2 * total_area
        and 3 * part_heads >= 2 * total_heads
    )


def oracle_approved(v, matter) -> bool:
    part_area = sum(a for a, _ in v.values())
    part_heads = sum(h for _, h in v.values())
    agree_area, agree_heads = v["agree"]
    if part_area == 0 or part_heads == 0:
        return False
    if is_special(matter):
        return 4 * agree_area >= 3 * part_area and 4 * agree_heads >= 3 * part_heads
    return 2 * agree_area > part_area and 2 * agree_heads > part_heads


@given(votes(), st.sampled_from(list(Matter)))
def test_decisions_match_the_integer_cross_multiplication_oracle(drawn, matter):
    tally, totals = build(*drawn)
    outcome = decide_motion(tally, totals, matter)
    assert outcome.quorum_met is oracle_quorum(*drawn)
    assert outcome.approval.passed is oracle_approved(drawn[0], matter)
    assert outcome.passed is (oracle_quorum(*drawn) and oracle_approved(drawn[0], matter))


@given(
    st.integers(min_value=1, max_value=10**8),
    st.integers(min_value=1, max_value=1000),
    st.sampled_from(list(Matter)),
)
def test_boundaries_are_exact_at_any_scale(unit_area, unit_heads, matter):
    # Participation exactly two thirds; approval exactly at the threshold.
    totals = Totals(area(3 * 4 * unit_area), 3 * 4 * unit_heads)
    part_area, part_heads = 2 * 4 * unit_area, 2 * 4 * unit_heads
    share = Fraction(3, 4) if is_special(matter) else Fraction(1, 2)
    agree_area = part_area * share.numerator // share.denominator
    agree_heads = part_heads * share.numerator // share.denominator
    at = Tally(
        area(agree_area), agree_heads, area(part_area - agree_area), part_heads - agree_heads
    )
    outcome = decide_motion(at, totals, matter)
    assert outcome.quorum_met
    assert outcome.approval.passed is is_special(matter)  # "以上" includes; "过半数" excludes
    below = Tally(
        area(agree_area), agree_heads, area(part_area - agree_area - 1), part_heads - agree_heads
    )
    assert not decide_motion(below, totals, matter).quorum_met


@given(
    st.one_of(votes(), votes(max_cents=2000, max_heads=12)),
    st.sampled_from(list(Matter)),
    st.sampled_from(["oppose", "abstain"]),
    st.data(),
)
def test_more_agree_votes_never_turn_a_pass_into_a_fail(drawn, matter, source, data):
    v, extra_area, extra_heads = drawn
    before = decide_motion(*build(v, extra_area, extra_heads), matter)
    src_area, src_heads = v[source]
    moved_area = data.draw(st.integers(min_value=0, max_value=src_area))
    moved_heads = data.draw(st.integers(min_value=0, max_value=src_heads))
    moved = dict(v)
    moved[source] = (src_area - moved_area, src_heads - moved_heads)
    moved["agree"] = (v["agree"][0] + moved_area, v["agree"][1] + moved_heads)
    after = decide_motion(*build(moved, extra_area, extra_heads), matter)
    # Each measure on its own, and the whole decision, only ever improve.
    for attr in ("quorum", "approval"):
        for measure in ("area", "heads"):
            was = getattr(getattr(before, attr), measure).passed
            assert getattr(getattr(after, attr), measure).passed or not was
    assert after.passed or not before.passed


@given(votes(), cents, heads)
def test_quorum_is_monotonic_in_participation(drawn, more_area, more_heads):
    v, extra_area, extra_heads = drawn
    more_area, more_heads = min(more_area, extra_area), min(more_heads, extra_heads)
    before = quorum_met(*build(v, extra_area, extra_heads))
    grown = dict(v)
    grown["abstain"] = (v["abstain"][0] + more_area, v["abstain"][1] + more_heads)
    after = quorum_met(*build(grown, extra_area - more_area, extra_heads - more_heads))
    assert after.passed or not before.passed
    assert (
        after.area.share is None
        or before.area.share is None
        or (after.area.share >= before.area.share)
    )


@given(votes(), st.sampled_from(list(Matter)))
def test_deemed_consent_never_changes_the_actual_outcome(drawn, matter):
    tally, totals = build(*drawn)
    result = decide_motion(tally, totals, matter, deemed_consent=True)
    assert result.actual == decide_motion(tally, totals, matter)
    if result.majority_side is None:
        assert result.deemed == result.actual
    else:
        # Everyone not taking part was deemed: the deemed tally covers the whole roll.
        assert result.deemed.tally.participating_area == totals.area
        assert result.deemed.tally.participating_heads == totals.heads
        assert result.deemed.passed is (
            result.majority_side is Side.AGREE and result.deemed.approval.passed
        )


def levels(whole: int) -> list[int]:
    """Return a few approval levels up to ``whole``, around the majority line."""
    return sorted({0, whole // 2, min(whole // 2 + 1, whole), whole})


@st.composite
def elections(draw):
    ballots_area = draw(st.integers(min_value=0, max_value=10**7))
    ballots_heads = draw(st.integers(min_value=0, max_value=500))
    n = draw(st.integers(min_value=0, max_value=12))
    # Few distinct values so that ties are common.
    candidates = {
        f"候选人{i}": Count(
            area(draw(st.sampled_from(levels(ballots_area)))),
            draw(st.sampled_from(levels(ballots_heads))),
        )
        for i in range(n)
    }
    totals = Totals(
        area(ballots_area + draw(st.integers(0, 10**7))), ballots_heads + draw(st.integers(0, 500))
    )
    seats = draw(st.integers(min_value=1, max_value=11))
    return candidates, Count(area(ballots_area), ballots_heads), totals, seats


@given(elections())
def test_elections_fill_seats_only_with_eligible_candidates_in_rank_order(drawn):
    candidates, ballots, totals, seats = drawn
    outcome = decide_election(candidates, ballots, totals, seats)
    by_id = {c.candidate: c for c in outcome.candidates}
    assert len(outcome.elected) + (outcome.tie.seats if outcome.tie else 0) <= seats
    assert outcome.unfilled_seats == seats - len(outcome.elected)
    if not outcome.quorum_met:
        assert outcome.elected == () and outcome.tie is None
    for elected in outcome.elected:
        assert by_id[elected].eligible
        for other in outcome.candidates:
            if other.eligible and other.candidate not in outcome.elected:
                key = (other.approvals.exact_area, other.approvals.heads)
                assert (by_id[elected].approvals.exact_area, by_id[elected].approvals.heads) > key
    if outcome.tie:
        keys = {
            (by_id[c].approvals.exact_area, by_id[c].approvals.heads)
            for c in outcome.tie.candidates
        }
        assert len(keys) == 1
        assert len(outcome.tie.candidates) > outcome.tie.seats
