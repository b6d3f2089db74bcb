"""The rules of owners' proposals (业主提案), as pure functions: no Django here.

- A proposal reaches its threshold when the heads supporting it are at least the estate's
  share of all heads (default 5 %). Heads are counted by the roll's rule (SPC interpretation
  Art. 9, voting.roll.group_units): all units of one buyer are one head, all the developer's
  units are one head. "At least" includes the boundary; the arithmetic is exact (integer
  cross-multiplication with Fraction shares), never floats.
- Reaching the threshold starts the answer deadline (default 15 days). An answer given exactly
  at the deadline is in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

DEFAULT_SHARE_PERCENT = Decimal("5")
DEFAULT_ANSWER_DAYS = 15


def share_of(percent: Decimal | int | str) -> Fraction:
    """Return a percentage (5, "5.5", Decimal("12.50")) as an exact fraction of one.

    Refuse a share outside (0, 100]: a zero threshold would oblige an answer to every idea,
    and more than all heads could never be reached.
    """
    if isinstance(percent, float):
        raise TypeError("percent must be exact (Decimal, int or str), not float")
    share = Fraction(Decimal(str(percent))) / 100
    if share <= 0 or share > 1:
        raise ValueError("the support threshold must be more than 0 % and at most 100 %")
    return share


def supports_needed(total_heads: int, share: Fraction) -> int:
    """Return the fewest supporting heads that reach the share of all heads (at least one)."""
    if total_heads < 0:
        raise ValueError("total_heads must not be negative")
    # ceil(share × heads) in integers: -(-a // b).
    needed = -(-(share.numerator * total_heads) // share.denominator)
    return max(1, needed)


def threshold_met(supporting_heads: int, total_heads: int, share: Fraction) -> bool:
    """Return whether the supporting heads are at least the share of all heads."""
    if supporting_heads < 0 or total_heads < 0:
        raise ValueError("head counts must not be negative")
    if supporting_heads > total_heads:
        raise ValueError("more supporting heads than heads in the estate")
    if supporting_heads == 0:
        return False
    # supporting / total >= share  ⇔  supporting × denominator >= numerator × total
    return supporting_heads * share.denominator >= share.numerator * total_heads


@dataclass(frozen=True)
class Progress:
    """How far a proposal is: supporting heads, heads needed, all heads."""

    supporting: int
    needed: int
    total: int

    @property
    def reached(self) -> bool:
        return self.supporting >= self.needed

    @property
    def percent_of_needed(self) -> int:
        """Return the share of the threshold reached, 0–100, for a progress bar."""
        if self.needed <= 0:
            return 100
        return min(100, (self.supporting * 100) // self.needed)


def progress(supporting_heads: int, total_heads: int, share: Fraction) -> Progress:
    return Progress(supporting_heads, supports_needed(total_heads, share), total_heads)


def answer_due(reached_at: datetime, days: int) -> datetime:
    """Return when the public answer is due: `days` after the threshold was reached."""
    if days < 1:
        raise ValueError("the answer deadline must be at least one day")
    return reached_at + timedelta(days=days)


def answered_in_time(due_at: datetime, answered_at: datetime) -> bool:
    """Return whether an answer came in time; exactly at the deadline is in time."""
    return answered_at <= due_at


def is_overdue(due_at: datetime | None, answered_at: datetime | None, now: datetime) -> bool:
    """Return whether an answer is late: past due and unanswered, or answered after the due."""
    if due_at is None:
        return False
    if answered_at is not None:
        return answered_at > due_at
    return now > due_at
