"""The 20 % / 20 % petition rule (物业管理条例 Art. 13; 指导规则 Art. 21), pure and exact."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from voting.petition_rules import (
    Head,
    adds_a_head,
    area_needed,
    evaluate,
    heads_needed,
    petition_reached,
    support,
    totals_of,
)
from voting.rules import Count, Totals, VotingRuleError


def flat(key, area, *holders) -> Head:
    return Head(key=key, area=Decimal(area), holders=frozenset(holders))


def ten_flats_of_100() -> list[Head]:
    """Ten heads of 100 ㎡ each, holders 1..10."""
    return [flat(n, "100.00", n) for n in range(1, 11)]


def test_exactly_twenty_percent_by_area_and_heads_reaches_the_threshold():
    check = petition_reached(Count(Decimal("200.00"), 2), Totals(Decimal("1000.00"), 10))
    assert check.reached
    assert check.failure_texts == ()


def test_exactly_twenty_percent_by_area_with_heads_one_short_does_not_reach():
    # 2 heads hold 20 % of the area, but 20 % of 11 heads needs 3 (2.2 rounded up).
    check = petition_reached(Count(Decimal("200.00"), 2), Totals(Decimal("1000.00"), 11))
    assert check.area.passed
    assert not check.heads.passed
    assert not check.reached
    assert heads_needed(check) == 1


def test_one_hundredth_of_a_square_metre_short_does_not_reach():
    check = petition_reached(Count(Decimal("199.99"), 5), Totals(Decimal("1000.00"), 10))
    assert not check.area.passed
    assert check.heads.passed
    assert area_needed(check) == Decimal("0.01")


def test_heads_without_area_do_not_reach():
    check = petition_reached(Count(Decimal("10.00"), 5), Totals(Decimal("1000.00"), 10))
    assert check.heads.passed and not check.area.passed and not check


def test_a_buyer_of_three_flats_is_one_head_with_the_areas_summed():
    # Holder 1 owns three flats: one head of 300 ㎡. 7 other single-flat heads of 100 ㎡.
    heads = [flat("buyer", "300.00", 1)] + [flat(n, "100.00", n) for n in range(2, 9)]
    signed = support(heads, {1})
    assert signed == Count(Decimal("300.00"), 1)
    check = evaluate(heads, {1})
    assert check.area.passed  # 300 of 1000 ㎡
    assert not check.heads.passed  # 1 of 8 heads
    assert evaluate(heads, {1, 2}).reached  # 2 of 8 heads = 25 %


def test_the_developers_units_are_one_head():
    developer = flat("developer", "500.00", "dev")
    heads = [developer] + [flat(n, "100.00", n) for n in range(1, 6)]
    assert totals_of(heads) == Totals(Decimal("1000.00"), 6)
    check = evaluate(heads, {"dev"})
    assert check.signed == Count(Decimal("500.00"), 1)
    assert check.area.passed and not check.heads.passed  # 1 of 6 heads < 20 %


def test_co_owners_signing_count_their_flat_once():
    heads = [flat("spouses", "100.00", "wife", "husband")] + [
        flat(n, "100.00", n) for n in range(1, 10)
    ]
    assert support(heads, {"wife", "husband"}) == Count(Decimal("100.00"), 1)


def test_a_second_signature_by_the_same_head_adds_nothing():
    heads = [flat("spouses", "100.00", "wife", "husband"), flat("own", "80.00", "husband")]
    assert adds_a_head(heads, {"wife"}, "husband")  # his own flat is a head not yet signed
    assert not adds_a_head(heads, {"wife", "husband"}, "husband")
    only_shared = [flat("spouses", "100.00", "wife", "husband")]
    assert not adds_a_head(only_shared, {"wife"}, "husband")
    assert not adds_a_head(only_shared, set(), "stranger")


def test_rules_of_procedure_may_set_a_lower_share():
    check = petition_reached(
        Count(Decimal("100.00"), 1),
        Totals(Decimal("1000.00"), 10),
        area_share=Fraction(1, 10),
        heads_share=Fraction(1, 10),
    )
    assert check.reached


@pytest.mark.parametrize("share", [Fraction(0), Fraction(21, 100), Fraction(1, 2)])
def test_a_share_above_the_law_or_zero_is_refused(share):
    with pytest.raises(VotingRuleError):
        petition_reached(Count(Decimal("0"), 0), Totals(Decimal("1"), 1), area_share=share)


def test_floats_are_refused_as_areas():
    with pytest.raises(VotingRuleError):
        Count(100.0, 1)  # type: ignore[arg-type]


def test_an_empty_register_never_reaches():
    check = evaluate([], set())
    assert not check.reached


def test_more_signed_than_the_register_holds_is_a_data_error():
    with pytest.raises(VotingRuleError):
        petition_reached(Count(Decimal("1001"), 1), Totals(Decimal("1000"), 10))


def test_heads_needed_rounds_up_and_is_zero_once_met():
    heads = ten_flats_of_100()
    assert heads_needed(evaluate(heads, {1})) == 1
    assert heads_needed(evaluate(heads, {1, 2})) == 0
    assert area_needed(evaluate(heads, {1, 2})) == Decimal("0.00")
