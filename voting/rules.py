"""Decide motions and elections by the Civil Code's voting rules, as pure functions.

Civil Code (民法典) Art. 278 is implemented here and nowhere else:

- Quorum (every motion): owners holding at least 2/3 of all exclusive area AND at least 2/3 of
  all heads take part. "At least" includes the boundary.
- Special matters (Art. 278 items 6, 7, 8): agree by at least 3/4 of the participating area AND
  at least 3/4 of the participating heads.
- Ordinary matters (items 1-5, 9): agree by more than 1/2 of the participating area AND more
  than 1/2 of the participating heads; exactly half fails.
- Abstaining (弃权) is taking part: abstentions count in every denominator.
- Zero participation never passes anything (no quorum, no approval).

The superseded all-owner thresholds of 物业管理条例 Art. 12 are deliberately not implemented.

Arithmetic is exact: areas are ``Decimal`` (m², normally two places) or ``int`` and are turned
into ``fractions.Fraction`` without loss; floats are refused, so no result can depend on float
rounding. Heads are ``int`` (SPC interpretation Art. 9 grouping is the electoral roll's job).

Translation: this module imports nothing from Django. Every user-facing text is a plain Chinese
msgid wrapped in the local no-op marker :func:`gettext_noop`. Django's ``makemessages`` already
extracts ``gettext_noop(...)`` calls from Python files (it passes ``--keyword=gettext_noop`` to
xgettext), so these texts reach the .po files with no extra configuration. Callers translate at
display time: ``gettext(outcome.basis)``; a :class:`VotingRuleError` (bad input) carries its msgid
and parameters and is rendered with ``error.render(gettext)``. Nothing here glues strings together.

Deemed consent (未参与表决视为同意多数) is contested law and off by default. When the caller
asks for it (only where the estate's rules of procedure allow it, with delivery proof), the
result holds the actual outcome and the deemed outcome side by side, never merged. The rule:

- The *majority side* of the actual vote is 同意 or 反对, whichever is strictly larger by area
  AND strictly larger by heads among the votes actually cast. Abstentions are no side. If neither
  side leads on both measures (a tie on either, or a split), there is no majority side and
  nothing is deemed: the deemed outcome equals the actual one.
- Otherwise the non-participating owners who may be deemed (by default all of them: total minus
  participation; the caller may pass fewer, e.g. only those with delivery proof) are added to the
  majority side, and the deemed tally is decided by the same rules (quorum included).

Elections (Art. 278 item 3, an ordinary matter): each ballot approves up to ``seats``
candidates. The quorum is required as for any motion. A candidate is eligible when approved by
more than 1/2 of the participating area AND more than 1/2 of the participating heads. Eligible
candidates are ranked by approving area (descending), then approving heads (descending); seats go
down the ranking. If the candidates level on both keys straddle the last seat(s), the tie is
reported with the tied candidates and those seats stay unfilled pending a runoff; a tie is never
broken silently (not by name, id or order of entry).

Long because: it is the law (Civil Code Art. 278, SPC interpretation Art. 8 and 9) as one
pure module with no Django imports, read and tested against the text article by article;
quorum, thresholds, deemed consent and elections share the same exact counts.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, localcontext
from enum import Enum, IntEnum
from fractions import Fraction
from typing import Generic, Literal, TypeVar, overload


def gettext_noop(message: str) -> str:
    """Return the message unchanged; mark it for ``makemessages`` (translated at display)."""
    return message


# The thresholds of Civil Code Art. 278.
QUORUM_THRESHOLD = Fraction(2, 3)  # inclusive, of all owners
SPECIAL_THRESHOLD = Fraction(3, 4)  # inclusive, of participating owners
ORDINARY_THRESHOLD = Fraction(1, 2)  # strict ("过半数"), of participating owners

AreaValue = Decimal | int

K = TypeVar("K", bound=Hashable)


class VotingRuleError(ValueError):
    """Signal bad input to a voting rule, carrying a Chinese msgid and its parameters."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """Return the message translated by ``translate`` (e.g. Django's gettext)."""
        msg = translate(self.message) if translate else self.message
        return msg % self.params if self.params else msg


# ---------------------------------------------------------------------------
# Matters of Art. 278


class Matter(IntEnum):
    """Enumerate the matters of Civil Code Art. 278; the value is the item number."""

    RULES_OF_PROCEDURE = 1
    MANAGEMENT_COVENANT = 2
    COMMITTEE_ELECTION = 3
    PROPERTY_SERVICE = 4
    USE_MAINTENANCE_FUND = 5
    RAISE_MAINTENANCE_FUND = 6
    REBUILD = 7
    COMMON_PARTS_USE = 8
    OTHER_MAJOR_MATTER = 9

    @property
    def label(self) -> str:
        """Return the statutory Chinese wording of this matter (a msgid)."""
        return MATTER_LABELS[self]


MATTER_LABELS: dict[Matter, str] = {
    Matter.RULES_OF_PROCEDURE: gettext_noop("制定和修改业主大会议事规则"),
    Matter.MANAGEMENT_COVENANT: gettext_noop("制定和修改管理规约"),
    Matter.COMMITTEE_ELECTION: gettext_noop("选举业主委员会或者更换业主委员会成员"),
    Matter.PROPERTY_SERVICE: gettext_noop("选聘和解聘物业服务企业或者其他管理人"),
    Matter.USE_MAINTENANCE_FUND: gettext_noop("使用建筑物及其附属设施的维修资金"),
    Matter.RAISE_MAINTENANCE_FUND: gettext_noop("筹集建筑物及其附属设施的维修资金"),
    Matter.REBUILD: gettext_noop("改建、重建建筑物及其附属设施"),
    Matter.COMMON_PARTS_USE: gettext_noop("改变共有部分的用途或者利用共有部分从事经营活动"),
    Matter.OTHER_MAJOR_MATTER: gettext_noop("有关共有和共同管理权利的其他重大事项"),
}

SPECIAL_MATTERS = frozenset(
    {Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.COMMON_PARTS_USE}
)


def is_special(matter: Matter) -> bool:
    """Return whether the matter needs 3/4 approval (Civil Code Art. 278 items 6-8)."""
    return Matter(matter) in SPECIAL_MATTERS


# ---------------------------------------------------------------------------
# Legal-basis and failure texts (msgids; complete sentences, never glued)

BASIS_QUORUM = gettext_noop(
    "民法典第二百七十八条：应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决"
)
BASIS_APPROVAL_SPECIAL = gettext_noop(
    "民法典第二百七十八条：决定第一款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意"
)
BASIS_APPROVAL_ORDINARY = gettext_noop(
    "民法典第二百七十八条：决定第一款第一项至第五项、第九项规定的事项，应当经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意"
)
BASIS_MOTION_SPECIAL = gettext_noop(
    "民法典第二百七十八条：参与表决专有部分面积和人数均达到全体业主的三分之二以上；经参与表决专有部分面积四分之三以上且人数四分之三以上同意"
)
BASIS_MOTION_ORDINARY = gettext_noop(
    "民法典第二百七十八条：参与表决专有部分面积和人数均达到全体业主的三分之二以上；经参与表决专有部分面积过半数且人数过半数同意"
)
BASIS_ELECTION = gettext_noop(
    "民法典第二百七十八条：选举业主委员会成员，参与表决专有部分面积和人数均达到全体业主的三分之二以上；候选人须经参与表决专有部分面积过半数且人数过半数同意，按同意面积、再按同意人数由多到少当选，末位票数相同的不作抽签，待另行选举"
)
NOTE_NOTHING_DEEMED = gettext_noop(
    "同意与反对在面积和人数上没有同时占多数的一方，未参与表决的业主不视为同意任何一方"
)
NOTE_DEEMED_AGREE = gettext_noop("未参与表决的业主按议事规则视为同意多数，计入同意")
NOTE_DEEMED_OPPOSE = gettext_noop("未参与表决的业主按议事规则视为同意多数，计入反对")


class Failure(Enum):
    """Name the test a motion failed; the value is a stable code for storage and CSV."""

    QUORUM_AREA = "quorum_area"
    QUORUM_HEADS = "quorum_heads"
    APPROVAL_AREA = "approval_area"
    APPROVAL_HEADS = "approval_heads"
    PETITION_AREA = "petition_area"  # voting/petition_rules.py
    PETITION_HEADS = "petition_heads"


FAILURE_QUORUM_AREA = gettext_noop(
    "参与表决的业主专有部分面积未达到全体业主专有部分总面积的三分之二"
)
FAILURE_QUORUM_HEADS = gettext_noop("参与表决的业主人数未达到全体业主总人数的三分之二")
FAILURE_SPECIAL_AREA = gettext_noop("同意的业主专有部分面积未达到参与表决专有部分面积的四分之三")
FAILURE_SPECIAL_HEADS = gettext_noop("同意的业主人数未达到参与表决人数的四分之三")
FAILURE_ORDINARY_AREA = gettext_noop("同意的业主专有部分面积未超过参与表决专有部分面积的半数")
FAILURE_ORDINARY_HEADS = gettext_noop("同意的业主人数未超过参与表决人数的半数")


# ---------------------------------------------------------------------------
# Input values


def _area(value: object, name: str) -> Fraction:
    """Return an area as an exact Fraction; refuse floats, bools, NaN and negatives."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise VotingRuleError(
            gettext_noop("面积“%(name)s”必须是精确的十进制数（Decimal），不能是 %(type)s"),
            name=name,
            type=type(value).__name__,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise VotingRuleError(gettext_noop("面积“%(name)s”不是有效数值"), name=name)
    if value < 0:
        raise VotingRuleError(gettext_noop("面积“%(name)s”不能为负数"), name=name)
    return Fraction(value)


def _heads(value: object, name: str) -> int:
    """Return a head count; refuse anything but a non-negative int."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise VotingRuleError(
            gettext_noop("人数“%(name)s”必须是整数，不能是 %(type)s"),
            name=name,
            type=type(value).__name__,
        )
    if value < 0:
        raise VotingRuleError(gettext_noop("人数“%(name)s”不能为负数"), name=name)
    return value


def _exact_sum(values: Iterable[AreaValue]) -> Decimal:
    """Return the sum of areas as a Decimal, raising rather than rounding under any context."""
    with localcontext(Context(prec=999_999, traps=[Inexact])):
        return sum((Decimal(v) for v in values), Decimal(0))


@dataclass(frozen=True)
class Count:
    """Hold an area (m²) and a head count: a participation, a candidate's approvals, a roll."""

    area: AreaValue
    heads: int

    def __post_init__(self) -> None:
        _area(self.area, "area")
        _heads(self.heads, "heads")

    @property
    def exact_area(self) -> Fraction:
        """Return the area as an exact Fraction."""
        return Fraction(self.area)


@dataclass(frozen=True)
class Totals(Count):
    """Hold the whole electoral roll: all owners' exclusive area and head count."""


@dataclass(frozen=True)
class Tally:
    """Hold the votes cast on one motion, by area and heads; abstaining is taking part."""

    agree_area: AreaValue = Decimal(0)
    agree_heads: int = 0
    oppose_area: AreaValue = Decimal(0)
    oppose_heads: int = 0
    abstain_area: AreaValue = Decimal(0)
    abstain_heads: int = 0

    def __post_init__(self) -> None:
        for side in ("agree", "oppose", "abstain"):
            _area(getattr(self, f"{side}_area"), f"{side}_area")
            _heads(getattr(self, f"{side}_heads"), f"{side}_heads")

    @property
    def participating_area(self) -> Decimal:
        """Return the area that took part (agree + oppose + abstain)."""
        # Civil Code Art. 278: abstentions count as taking part.
        return _exact_sum((self.agree_area, self.oppose_area, self.abstain_area))

    @property
    def participating_heads(self) -> int:
        """Return the heads that took part (agree + oppose + abstain)."""
        return self.agree_heads + self.oppose_heads + self.abstain_heads

    @property
    def participation(self) -> Count:
        """Return the participation as a Count."""
        return Count(self.participating_area, self.participating_heads)


def _participation(value: Count | Tally) -> Count:
    return value.participation if isinstance(value, Tally) else value


ERROR_PARTICIPATION_ABOVE_ROLL = gettext_noop(
    "参与表决的专有部分面积或人数超过了全体业主的总数，数据有误"
)
ERROR_AGREE_ABOVE_PARTICIPATION = gettext_noop(
    "同意的专有部分面积或人数超过了参与表决的总数，数据有误"
)
ERROR_APPROVALS_ABOVE_BALLOTS = gettext_noop(
    "候选人获得同意的专有部分面积或人数超过了参与表决的总数，数据有误"
)
ERROR_DEEMABLE_ABOVE_ABSENT = gettext_noop(
    "可视为同意的业主的专有部分面积或人数超过了未参与表决的业主，数据有误"
)


def _within(part: Count, whole: Count, message: str) -> None:
    """Refuse a part larger than its whole (a roll or tally bug, not a vote result)."""
    if part.exact_area > whole.exact_area or part.heads > whole.heads:
        raise VotingRuleError(message)


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Figure:
    """Hold one measured test: ``part`` of ``whole`` against ``threshold``."""

    part: Fraction
    whole: Fraction
    threshold: Fraction
    inclusive: bool  # True for "≥ threshold" (以上), False for "> threshold" (过半数)
    failure: Failure
    failure_text: str

    @property
    def share(self) -> Fraction | None:
        """Return part / whole, or None when the whole is zero."""
        return self.part / self.whole if self.whole else None

    @property
    def passed(self) -> bool:
        """Return whether the share reaches the threshold; a zero whole never passes."""
        if not self.whole:
            return False
        # Integer cross-multiplication of exact fractions: no rounding anywhere.
        lhs = self.part * self.threshold.denominator
        rhs = self.threshold.numerator * self.whole
        return lhs >= rhs if self.inclusive else lhs > rhs


class CheckKind(Enum):
    """Name which of the two tests a Check is."""

    QUORUM = "quorum"
    APPROVAL = "approval"


@dataclass(frozen=True)
class Check:
    """Hold one test (quorum or approval) by area and by heads; truthy when both pass."""

    kind: CheckKind
    area: Figure
    heads: Figure
    basis: str

    @property
    def passed(self) -> bool:
        """Return whether the test passed by area AND by heads."""
        return self.area.passed and self.heads.passed

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Return the failed measures, area first."""
        return tuple(f.failure for f in (self.area, self.heads) if not f.passed)

    @property
    def failure_texts(self) -> tuple[str, ...]:
        """Return the msgids saying which measures failed."""
        return tuple(f.failure_text for f in (self.area, self.heads) if not f.passed)


@dataclass(frozen=True)
class Outcome:
    """Hold the decision on one motion: quorum, approval, figures and legal basis."""

    matter: Matter
    tally: Tally
    totals: Totals
    quorum: Check
    approval: Check
    basis: str

    @property
    def quorum_met(self) -> bool:
        """Return whether the quorum was met by area and by heads."""
        return self.quorum.passed

    @property
    def passed(self) -> bool:
        """Return whether the motion passed: quorum met and approved."""
        return self.quorum.passed and self.approval.passed

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Return every failed test: quorum by area/heads, then approval by area/heads."""
        return self.quorum.failures + self.approval.failures

    @property
    def failure_texts(self) -> tuple[str, ...]:
        """Return the msgids of every failed test, in the order of ``failures``."""
        return self.quorum.failure_texts + self.approval.failure_texts


class Side(Enum):
    """Name a side of a vote for deemed consent."""

    AGREE = "agree"
    OPPOSE = "oppose"


@dataclass(frozen=True)
class DeemedConsentOutcome:
    """Hold the actual and the deemed outcome side by side; there is no merged ``passed``."""

    actual: Outcome
    deemed: Outcome
    majority_side: Side | None  # None: no majority side, nothing deemed
    deemed_count: Count  # the non-participants added to the majority side
    note: str


# ---------------------------------------------------------------------------
# Motions


def _quorum_check(participation: Count, totals: Totals) -> Check:
    _within(participation, totals, ERROR_PARTICIPATION_ABOVE_ROLL)
    return Check(
        kind=CheckKind.QUORUM,
        area=Figure(
            participation.exact_area,
            totals.exact_area,
            QUORUM_THRESHOLD,
            True,
            Failure.QUORUM_AREA,
            FAILURE_QUORUM_AREA,
        ),
        heads=Figure(
            Fraction(participation.heads),
            Fraction(totals.heads),
            QUORUM_THRESHOLD,
            True,
            Failure.QUORUM_HEADS,
            FAILURE_QUORUM_HEADS,
        ),
        basis=BASIS_QUORUM,
    )


def _approval_check(
    agree: Count, participation: Count, matter: Matter, error: str = ERROR_AGREE_ABOVE_PARTICIPATION
) -> Check:
    _within(agree, participation, error)
    special = is_special(matter)
    threshold = SPECIAL_THRESHOLD if special else ORDINARY_THRESHOLD
    return Check(
        kind=CheckKind.APPROVAL,
        area=Figure(
            agree.exact_area,
            participation.exact_area,
            threshold,
            special,  # 3/4 "以上" includes the boundary; "过半数" does not
            Failure.APPROVAL_AREA,
            FAILURE_SPECIAL_AREA if special else FAILURE_ORDINARY_AREA,
        ),
        heads=Figure(
            Fraction(agree.heads),
            Fraction(participation.heads),
            threshold,
            special,
            Failure.APPROVAL_HEADS,
            FAILURE_SPECIAL_HEADS if special else FAILURE_ORDINARY_HEADS,
        ),
        basis=BASIS_APPROVAL_SPECIAL if special else BASIS_APPROVAL_ORDINARY,
    )


def quorum_met(tally: Tally | Count, totals: Totals) -> Check:
    """Return the quorum test: participation ≥ 2/3 of all area AND ≥ 2/3 of all heads."""
    return _quorum_check(_participation(tally), totals)


def approved(tally: Tally, matter: Matter) -> Check:
    """Return the approval test for the matter, over the owners who took part."""
    return _approval_check(Count(tally.agree_area, tally.agree_heads), tally.participation, matter)


@overload
def decide_motion(
    tally: Tally, totals: Totals, matter: Matter, *, deemed_consent: Literal[False] = False
) -> Outcome: ...


@overload
def decide_motion(
    tally: Tally,
    totals: Totals,
    matter: Matter,
    *,
    deemed_consent: Literal[True],
    deemable: Count | None = None,
) -> DeemedConsentOutcome: ...


def decide_motion(
    tally: Tally,
    totals: Totals,
    matter: Matter,
    *,
    deemed_consent: bool = False,
    deemable: Count | None = None,
) -> Outcome | DeemedConsentOutcome:
    """Return the outcome of a motion; with deemed consent, actual and deemed side by side.

    ``deemable`` (deemed consent only) is the area and heads of the non-participants who may be
    deemed, e.g. those with delivery proof; by default every non-participant.
    """
    matter = Matter(matter)
    actual = Outcome(
        matter=matter,
        tally=tally,
        totals=totals,
        quorum=quorum_met(tally, totals),
        approval=approved(tally, matter),
        basis=BASIS_MOTION_SPECIAL if is_special(matter) else BASIS_MOTION_ORDINARY,
    )
    if not deemed_consent:
        if deemable is not None:
            raise VotingRuleError(
                gettext_noop("未启用“未参与表决视为同意多数”时不能指定可视为同意的业主")
            )
        return actual
    return _with_deemed_consent(actual, deemable)


def majority_side(tally: Tally) -> Side | None:
    """Return the side leading strictly by area AND heads among votes cast, else None."""
    agree_area, oppose_area = Fraction(tally.agree_area), Fraction(tally.oppose_area)
    if agree_area > oppose_area and tally.agree_heads > tally.oppose_heads:
        return Side.AGREE
    if oppose_area > agree_area and tally.oppose_heads > tally.agree_heads:
        return Side.OPPOSE
    return None


def _with_deemed_consent(actual: Outcome, deemable: Count | None) -> DeemedConsentOutcome:
    tally, totals = actual.tally, actual.totals
    absent = Count(
        _exact_sum((totals.area, tally.participating_area.copy_negate())),
        totals.heads - tally.participating_heads,
    )
    if deemable is None:
        deemable = absent
    _within(deemable, absent, ERROR_DEEMABLE_ABOVE_ABSENT)
    side = majority_side(tally)
    if side is None:
        return DeemedConsentOutcome(
            actual=actual,
            deemed=actual,
            majority_side=None,
            deemed_count=Count(Decimal(0), 0),
            note=NOTE_NOTHING_DEEMED,
        )
    prefix = side.value
    deemed_tally = Tally(
        **{
            "agree_area": tally.agree_area,
            "agree_heads": tally.agree_heads,
            "oppose_area": tally.oppose_area,
            "oppose_heads": tally.oppose_heads,
            "abstain_area": tally.abstain_area,
            "abstain_heads": tally.abstain_heads,
            f"{prefix}_area": _exact_sum((getattr(tally, f"{prefix}_area"), deemable.area)),
            f"{prefix}_heads": getattr(tally, f"{prefix}_heads") + deemable.heads,
        }
    )
    deemed = decide_motion(deemed_tally, totals, actual.matter)
    return DeemedConsentOutcome(
        actual=actual,
        deemed=deemed,
        majority_side=side,
        deemed_count=deemable,
        note=NOTE_DEEMED_AGREE if side is Side.AGREE else NOTE_DEEMED_OPPOSE,
    )


# ---------------------------------------------------------------------------
# Turnout


@dataclass(frozen=True)
class Turnout:
    """Hold the shares of all area and all heads that took part (exact fractions)."""

    area: Fraction
    heads: Fraction


def turnout(participation: Tally | Count, totals: Totals) -> Turnout:
    """Return the fractions of all area and all heads that took part (0 for an empty roll)."""
    part = _participation(participation)
    _within(part, totals, ERROR_PARTICIPATION_ABOVE_ROLL)
    return Turnout(
        area=part.exact_area / totals.exact_area if totals.exact_area else Fraction(0),
        heads=Fraction(part.heads, totals.heads) if totals.heads else Fraction(0),
    )


def turnout_area(participation: Tally | Count, totals: Totals) -> Fraction:
    """Return the fraction of all exclusive area that took part."""
    return turnout(participation, totals).area


def turnout_heads(participation: Tally | Count, totals: Totals) -> Fraction:
    """Return the fraction of all heads that took part."""
    return turnout(participation, totals).heads


def as_percent(share: Fraction, places: int = 2) -> Decimal:
    """Return a share as a percentage, truncated so a display never overstates a share."""
    scale = 10**places
    scaled = share * 100 * scale
    truncated = scaled.numerator // scaled.denominator  # floor; shares are never negative
    return Decimal(truncated).scaleb(-places)


# ---------------------------------------------------------------------------
# Committee elections


def validate_election_choice(n_chosen: int, seats: int) -> None:
    """Refuse a ballot approving more candidates than there are seats (or a bad seat count)."""
    _validate_seats(seats)
    _heads(n_chosen, "n_chosen")
    if n_chosen > seats:
        raise VotingRuleError(
            gettext_noop(
                "本次选举共 %(seats)s 个席位，每张选票最多同意 %(seats)s 名候选人，您选择了 %(chosen)s 名"
            ),
            seats=seats,
            chosen=n_chosen,
        )


def _validate_seats(seats: int) -> None:
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise VotingRuleError(gettext_noop("席位数必须是不小于 1 的整数"))


@dataclass(frozen=True)
class CandidateResult(Generic[K]):
    """Hold one candidate's approvals, majority test and place in the ranking."""

    candidate: K
    approvals: Count
    majority: Check  # the ordinary majority of participating area and heads
    rank: int | None  # 1-based among eligible candidates (level candidates share a rank)

    @property
    def eligible(self) -> bool:
        """Return whether the candidate reached the ordinary majority by area and heads."""
        return self.majority.passed


@dataclass(frozen=True)
class Tie(Generic[K]):
    """Hold candidates level on every ranking key for the last seat(s), pending a runoff."""

    candidates: tuple[K, ...]
    seats: int  # seats left open by the tie


@dataclass(frozen=True)
class ElectionOutcome(Generic[K]):
    """Hold an election's result: quorum, every candidate ranked, the elected, any tie."""

    seats: int
    quorum: Check
    candidates: tuple[CandidateResult[K], ...]  # ranked; ineligible candidates last
    elected: tuple[K, ...]
    tie: Tie[K] | None
    basis: str = BASIS_ELECTION

    @property
    def quorum_met(self) -> bool:
        """Return whether the quorum was met by area and by heads."""
        return self.quorum.passed

    @property
    def unfilled_seats(self) -> int:
        """Return the seats not filled (tied, or too few eligible candidates, or no quorum)."""
        return self.seats - len(self.elected)


def _ranking_key(result: CandidateResult[K]) -> tuple[Fraction, int]:
    # Documented rule: approving area first, then approving heads; both descending.
    return (result.approvals.exact_area, result.approvals.heads)


def decide_election(
    candidates: Mapping[K, Count],
    participation: Tally | Count,
    totals: Totals,
    seats: int,
) -> ElectionOutcome[K]:
    """Return the election's outcome: eligible candidates take seats by rank; ties reported.

    ``candidates`` maps each candidate to the area and heads of the ballots approving them;
    ``participation`` is the area and heads of every ballot cast (blank ballots included).
    """
    _validate_seats(seats)
    part = _participation(participation)
    quorum = _quorum_check(part, totals)
    results = [
        CandidateResult(
            candidate=candidate,
            approvals=approvals,
            majority=_approval_check(
                approvals, part, Matter.COMMITTEE_ELECTION, ERROR_APPROVALS_ABOVE_BALLOTS
            ),
            rank=None,
        )
        for candidate, approvals in candidates.items()
    ]
    eligible = [r for r in results if r.eligible]
    # Stable sort keeps the order of entry among level candidates for display only; it never
    # decides a seat (level candidates at the cut are a Tie).
    eligible.sort(key=_ranking_key, reverse=True)
    ranked: list[CandidateResult[K]] = []
    elected: list[K] = []
    tie: Tie[K] | None = None
    position = 0
    while position < len(eligible):
        key = _ranking_key(eligible[position])
        level = [r for r in eligible[position:] if _ranking_key(r) == key]
        rank = position + 1
        ranked.extend(CandidateResult(r.candidate, r.approvals, r.majority, rank) for r in level)
        left = seats - len(elected)
        if quorum.passed and tie is None and left > 0:
            if len(level) <= left:
                elected.extend(r.candidate for r in level)
            else:
                tie = Tie(tuple(r.candidate for r in level), left)
        position += len(level)
    ranked.extend(r for r in results if not r.eligible)
    return ElectionOutcome(
        seats=seats,
        quorum=quorum,
        candidates=tuple(ranked),
        elected=tuple(elected),
        tie=tie,
    )


__all__ = [
    "BASIS_APPROVAL_ORDINARY",
    "BASIS_APPROVAL_SPECIAL",
    "BASIS_ELECTION",
    "BASIS_MOTION_ORDINARY",
    "BASIS_MOTION_SPECIAL",
    "BASIS_QUORUM",
    "MATTER_LABELS",
    "ORDINARY_THRESHOLD",
    "QUORUM_THRESHOLD",
    "SPECIAL_MATTERS",
    "SPECIAL_THRESHOLD",
    "CandidateResult",
    "Check",
    "CheckKind",
    "Count",
    "DeemedConsentOutcome",
    "ElectionOutcome",
    "Failure",
    "Figure",
    "Matter",
    "Outcome",
    "Side",
    "Tally",
    "Tie",
    "Totals",
    "Turnout",
    "VotingRuleError",
    "approved",
    "as_percent",
    "decide_election",
    "decide_motion",
    "gettext_noop",
    "is_special",
    "majority_side",
    "quorum_met",
    "turnout",
    "turnout_area",
    "turnout_heads",
    "validate_election_choice",
]
