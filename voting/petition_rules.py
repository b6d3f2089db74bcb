"""Decide whether owners' petitions oblige the committee to convene a meeting, as pure functions.

物业管理条例 Art. 13 and 业主大会和业主委员会指导规则 Art. 21: where owners holding at least 20 %
of the exclusive area AND at least 20 % of the heads propose it, the owners' committee must
convene an extraordinary meeting of the owners' assembly (临时会议). The rules of procedure may
set a lower share, never a higher one. "At least" includes the boundary.

Heads and areas are counted exactly as the electoral roll counts them (SPC interpretation
Art. 8, 9; ``voting/roll.py``): all units of one buyer are one head with their areas summed,
and all the developer's unsold or undelivered units are one head together. A head supports the
petition when any of its holders has signed and not withdrawn. The caller passes the register's
heads as they are now; this module only counts and compares.

Arithmetic is exact, as in ``voting/rules.py`` (it reuses :class:`voting.rules.Figure`, whose
test is integer cross-multiplication of Fractions). Like that module, this one imports nothing
from Django; its texts are Chinese msgids marked with :func:`gettext_noop`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from voting.rules import (
    Count,
    Failure,
    Figure,
    Totals,
    VotingRuleError,
    _exact_sum,
    gettext_noop,
)

# 物业管理条例 Art. 13; 指导规则 Art. 21: 20 % of the area and 20 % of the heads (inclusive).
PETITION_THRESHOLD = Fraction(1, 5)

BASIS_PETITION = gettext_noop(
    "《物业管理条例》第十三条、《业主大会和业主委员会指导规则》第二十一条："
    "经专有部分占建筑物总面积 20% 以上且占总人数 20% 以上的业主提议，业主委员会应当组织召开业主大会临时会议"
    "（议事规则可规定更低的比例）"
)
FAILURE_PETITION_AREA = gettext_noop("签名业主的专有部分面积尚未达到总面积的规定比例")
FAILURE_PETITION_HEADS = gettext_noop("签名业主的人数尚未达到总人数的规定比例")
ERROR_THRESHOLD_RANGE = gettext_noop(
    "临时会议提议的比例必须大于 0 且不高于 20%（议事规则只能规定更低的比例）"
)
ERROR_SIGNED_ABOVE_TOTAL = gettext_noop("签名业主的面积或人数超过了全体业主的总数，数据有误")


@dataclass(frozen=True)
class Head:
    """One head of the register (SPC Art. 9): its holders' keys and the exact sum of its areas."""

    key: Hashable
    area: Decimal
    holders: frozenset[Hashable]


@dataclass(frozen=True)
class PetitionCheck:
    """Hold the petition's support against the thresholds, by area and by heads."""

    signed: Count
    totals: Totals
    area: Figure
    heads: Figure
    basis: str = BASIS_PETITION

    @property
    def reached(self) -> bool:
        """Return whether both the area and the head test are met."""
        return self.area.passed and self.heads.passed

    def __bool__(self) -> bool:
        return self.reached

    @property
    def failure_texts(self) -> tuple[str, ...]:
        """Return the msgids of the tests not yet met, area first."""
        return tuple(f.failure_text for f in (self.area, self.heads) if not f.passed)


def validate_threshold(share: Fraction) -> Fraction:
    """Return the share if the law allows it (0 < share ≤ 20 %); refuse anything else."""
    if not isinstance(share, Fraction) or not (0 < share <= PETITION_THRESHOLD):
        raise VotingRuleError(ERROR_THRESHOLD_RANGE)
    return share


def totals_of(heads: Iterable[Head]) -> Totals:
    """Return all heads and their exact total area: the denominators of the petition."""
    heads = list(heads)
    return Totals(_exact_sum(h.area for h in heads), len(heads))


def supporting_heads(heads: Iterable[Head], signers: Iterable[Hashable]) -> list[Head]:
    """Return the heads of which at least one holder is among the signers."""
    signed = set(signers)
    return [head for head in heads if head.holders & signed]


def support(heads: Iterable[Head], signers: Iterable[Hashable]) -> Count:
    """Return the area and heads supporting the petition: each head once, however many sign."""
    backing = supporting_heads(heads, signers)
    return Count(_exact_sum(h.area for h in backing), len(backing))


def adds_a_head(heads: Iterable[Head], signers: Iterable[Hashable], signer: Hashable) -> bool:
    """Return whether a new signer would add a head not already supporting the petition.

    A co-owner whose every head has already signed (a spouse after the other) adds nothing:
    the same head may not sign twice.
    """
    signed = set(signers)
    return any(signer in h.holders and not (h.holders & signed) for h in heads)


def petition_reached(
    signed: Count,
    totals: Totals,
    *,
    area_share: Fraction = PETITION_THRESHOLD,
    heads_share: Fraction = PETITION_THRESHOLD,
) -> PetitionCheck:
    """Return the petition test: signed area ≥ share of all area AND signed heads ≥ share."""
    validate_threshold(area_share)
    validate_threshold(heads_share)
    if signed.exact_area > totals.exact_area or signed.heads > totals.heads:
        raise VotingRuleError(ERROR_SIGNED_ABOVE_TOTAL)
    return PetitionCheck(
        signed=signed,
        totals=totals,
        area=Figure(
            signed.exact_area,
            totals.exact_area,
            area_share,
            True,
            Failure.PETITION_AREA,
            FAILURE_PETITION_AREA,
        ),
        heads=Figure(
            Fraction(signed.heads),
            Fraction(totals.heads),
            heads_share,
            True,
            Failure.PETITION_HEADS,
            FAILURE_PETITION_HEADS,
        ),
    )


def evaluate(
    heads: Iterable[Head],
    signers: Iterable[Hashable],
    *,
    area_share: Fraction = PETITION_THRESHOLD,
    heads_share: Fraction = PETITION_THRESHOLD,
) -> PetitionCheck:
    """Return the petition test for these signers against the register's heads."""
    heads = list(heads)
    return petition_reached(
        support(heads, signers), totals_of(heads), area_share=area_share, heads_share=heads_share
    )


def heads_needed(check: PetitionCheck) -> int:
    """Return how many more heads must sign to meet the head test (0 when met)."""
    threshold = check.heads.threshold
    needed = -(-(threshold.numerator * check.totals.heads) // threshold.denominator)  # ceil
    return max(0, needed - check.signed.heads)


def area_needed(check: PetitionCheck) -> Decimal:
    """Return how much more area (m², rounded up to 0.01) must sign to meet the area test."""
    missing = check.area.threshold * check.totals.exact_area - check.signed.exact_area
    if missing <= 0:
        return Decimal("0.00")
    hundredths = -(-(missing * 100).numerator // (missing * 100).denominator)
    return Decimal(hundredths).scaleb(-2)


__all__ = [
    "BASIS_PETITION",
    "PETITION_THRESHOLD",
    "Head",
    "PetitionCheck",
    "adds_a_head",
    "area_needed",
    "evaluate",
    "heads_needed",
    "petition_reached",
    "support",
    "supporting_heads",
    "totals_of",
    "validate_threshold",
]
