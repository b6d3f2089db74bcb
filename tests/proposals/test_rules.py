"""The support threshold and the answer deadline of owners' proposals, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from proposals import rules

FIVE = rules.share_of(Decimal("5"))


def test_five_percent_is_exactly_one_twentieth():
    assert rules.share_of(Decimal("5")) == Fraction(1, 20)


def test_threshold_is_met_at_exactly_five_percent_of_heads():
    assert rules.threshold_met(5, 100, FIVE)


def test_threshold_is_not_met_one_head_short():
    assert not rules.threshold_met(4, 100, FIVE)


def test_needed_rounds_up_so_a_fraction_of_a_head_is_never_enough():
    # 5 % of 101 heads is 5.05 heads: five supporters are not enough, six are.
    assert rules.supports_needed(101, FIVE) == 6
    assert not rules.threshold_met(5, 101, FIVE)
    assert rules.threshold_met(6, 101, FIVE)


def test_needed_and_met_agree_at_every_size():
    for heads in range(0, 400):
        needed = rules.supports_needed(heads, FIVE)
        if heads:
            assert rules.threshold_met(min(needed, heads), heads, FIVE)
            assert not rules.threshold_met(needed - 1, heads, FIVE)


def test_a_tiny_estate_still_needs_one_supporter():
    assert rules.supports_needed(3, FIVE) == 1
    assert not rules.threshold_met(0, 3, FIVE)
    assert rules.threshold_met(1, 3, FIVE)


def test_a_share_with_decimals_is_exact():
    share = rules.share_of("12.5")
    assert share == Fraction(1, 8)
    assert rules.threshold_met(1, 8, share)
    assert not rules.threshold_met(1, 9, share)


@pytest.mark.parametrize("bad", ["0", "-1", "100.01"])
def test_a_share_outside_zero_to_hundred_is_refused(bad):
    with pytest.raises(ValueError):
        rules.share_of(bad)


def test_a_float_share_is_refused():
    with pytest.raises(TypeError):
        rules.share_of(5.0)


def test_more_supporters_than_heads_is_an_error():
    with pytest.raises(ValueError):
        rules.threshold_met(11, 10, FIVE)


def test_answer_at_exactly_the_deadline_is_in_time_and_a_second_later_is_not():
    reached = datetime(2026, 3, 1, 10, tzinfo=UTC)
    due = rules.answer_due(reached, 15)
    assert due == reached + timedelta(days=15)
    assert rules.answered_in_time(due, due)
    assert not rules.answered_in_time(due, due + timedelta(seconds=1))


def test_overdue_is_unanswered_past_due_or_answered_late():
    due = datetime(2026, 3, 16, 10, tzinfo=UTC)
    assert not rules.is_overdue(due, None, due)
    assert rules.is_overdue(due, None, due + timedelta(seconds=1))
    assert not rules.is_overdue(due, due, due + timedelta(days=9))
    assert rules.is_overdue(due, due + timedelta(hours=1), due + timedelta(days=9))
    assert not rules.is_overdue(None, None, due)


def test_progress_bar_is_capped_at_full():
    assert rules.progress(3, 100, FIVE).percent_of_needed == 60
    assert rules.progress(9, 100, FIVE).percent_of_needed == 100
    assert rules.progress(9, 100, FIVE).reached
