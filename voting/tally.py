"""Tally an assembly meeting by SQL aggregates, and decide it by the law in voting.rules.

Which ballots count (the same rule as voting/LEDGER.md "Recomputing the tally", and as
`actions.resolve_channels`, here as one SQL filter instead of a loop):

- each right's *current* ballot per channel class: the latest version, i.e. a ballot that no
  later ballot supersedes (online and proxy share the electronic class);
- a paper ballot awaiting its second person's confirmation does not count where the assembly
  requires confirmation;
- a right with a current ballot in both classes counts once: the class the assembly's
  `channel_priority` prefers stands; both records stay.

The sums are computed by the database (GROUP BY motion and choice, GROUP BY candidate, and
one conditional aggregate for election participation), so the number of queries does not
grow with the number of ballots. A right takes part in a motion when its counted ballot has a
choice for it; an abstention is taking part (Civil Code Art. 278). The thresholds are never
applied here: the exact sums go to `voting.rules`, which returns outcomes with their legal
basis. Nobody sees choice counts before the close, so `tally()` refuses an assembly that
has not closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from voting import rules
from voting.choices import AssemblyState, ChannelClass, ChannelPriority, VoteChoice
from voting.models import (
    AssemblyPage,
    Ballot,
    BallotChoice,
    Candidate,
    ElectoralRoll,
    Motion,
    PaperConfirmation,
)

ZERO = Decimal("0.00")


# --- which ballots count ---------------------------------------------------------------------


def current_ballots(assembly: AssemblyPage) -> QuerySet[Ballot]:
    """Return each right's latest ballot per channel class, without unconfirmed paper."""
    later = Ballot.objects.filter(supersedes=OuterRef("pk"))
    current = Ballot.objects.filter(assembly=assembly).filter(~Exists(later))
    if assembly.paper_needs_confirmation:
        confirmed = PaperConfirmation.objects.filter(ballot=OuterRef("pk"))
        current = current.filter(Q(channel_class=ChannelClass.ELECTRONIC) | Exists(confirmed))
    return current


def preferred_class(assembly: AssemblyPage) -> str:
    """Return the channel class that stands where a right voted online and on paper."""
    if assembly.channel_priority == ChannelPriority.PAPER:
        return ChannelClass.PAPER
    return ChannelClass.ELECTRONIC


def counted_ballots(assembly: AssemblyPage) -> QuerySet[Ballot]:
    """Return the one counted ballot of every right that voted (a queryset, not a list)."""
    current = current_ballots(assembly)
    prefer = preferred_class(assembly)
    preferred_exists = current.filter(right=OuterRef("right"), channel_class=prefer)
    return current.filter(Q(channel_class=prefer) | ~Exists(preferred_exists))


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionResult:
    """A resolution's sums and its outcome; with deemed consent, the deemed one beside it."""

    motion: Motion
    tally: rules.Tally
    outcome: rules.Outcome
    deemed: rules.DeemedConsentOutcome | None = None

    is_election = False


@dataclass(frozen=True)
class ElectionResult:
    """An election's participation, each candidate's approvals and the outcome."""

    motion: Motion
    participation: rules.Count
    blank: rules.Count  # ballots taking part without approving anyone (弃权)
    candidates: dict[int, Candidate]
    outcome: rules.ElectionOutcome[int]

    is_election = True


@dataclass(frozen=True)
class AssemblyTally:
    """The whole assembly: the roll's totals and every motion's result, in notice order."""

    assembly: AssemblyPage
    totals: rules.Totals
    counted: int  # counted ballots, one per right that voted
    motions: list[ResolutionResult | ElectionResult] = field(default_factory=list)
    deemed_consent: bool = False
    computed_at: datetime = field(default_factory=timezone.now)


def _area(value: Any) -> Decimal:
    # Areas have two decimal places, so their sum has too. PostgreSQL sums NUMERIC exactly;
    # SQLite sums as a double, whose error on any real estate's total is far below 0.005,
    # so rounding back to two places restores the exact sum.
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def tally(assembly: AssemblyPage, *, deemed_consent: bool | None = None) -> AssemblyTally:
    """Return the tally and outcomes of a closed assembly, computed by SQL aggregates.

    `deemed_consent` defaults to the assembly's rule; when on, every resolution carries the
    actual and the deemed outcome side by side (elections have no deemed tally).
    """
    if assembly.state != AssemblyState.CLOSED:
        raise ValidationError(_("投票结束前不统计、不公布表决意见。"))
    roll = ElectoralRoll.objects.filter(assembly=assembly).first()
    if roll is None:
        raise ValidationError(_("本次会议没有冻结的选民名册，无法计票。"))
    if deemed_consent is None:
        deemed_consent = assembly.deemed_consent
    totals = rules.Totals(_area(roll.total_area), roll.total_heads)
    motions = list(assembly.motions.order_by("sort_order", "pk"))
    elections = [m for m in motions if m.is_election]
    counted = counted_ballots(assembly)
    choices = BallotChoice.objects.filter(ballot__in=counted)

    # One GROUP BY for every resolution (and every blank election ballot).
    sums: dict[tuple[int, str], rules.Count] = {}
    for row in (
        choices.filter(candidate__isnull=True)
        .values("motion_id", "choice")
        .annotate(area=Sum("ballot__right__area"), heads=Count("pk"))
        .order_by()
    ):
        sums[(row["motion_id"], row["choice"])] = rules.Count(_area(row["area"]), row["heads"])

    # The number of counted ballots, and election participation, in one conditional aggregate.
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for motion in elections:
        # An uncorrelated IN (run once, hashed) rather than a per-ballot EXISTS.
        took_part = Q(pk__in=BallotChoice.objects.filter(motion=motion).values("ballot_id"))
        aggregates[f"area_{motion.pk}"] = Sum("right__area", filter=took_part)
        aggregates[f"heads_{motion.pk}"] = Count("pk", filter=took_part)
    overall = counted.aggregate(**aggregates)

    approvals: dict[int, rules.Count] = {}
    candidates: dict[int, Candidate] = {}
    if elections:
        for row in (
            choices.filter(candidate__isnull=False)
            .values("candidate_id")
            .annotate(area=Sum("ballot__right__area"), heads=Count("pk"))
            .order_by()
        ):
            approvals[row["candidate_id"]] = rules.Count(_area(row["area"]), row["heads"])
        candidates = {c.pk: c for c in Candidate.objects.filter(motion__in=elections)}

    none = rules.Count(ZERO, 0)
    results: list[ResolutionResult | ElectionResult] = []
    for motion in motions:
        matter = rules.Matter(int(motion.matter))
        if motion.is_election:
            own = {pk: c for pk, c in candidates.items() if c.motion_id == motion.pk}
            ordered = sorted(own.values(), key=lambda c: (c.sort_order, c.pk))
            participation = rules.Count(
                _area(overall[f"area_{motion.pk}"]), overall[f"heads_{motion.pk}"]
            )
            outcome = rules.decide_election(
                {c.pk: approvals.get(c.pk, none) for c in ordered},
                participation,
                totals,
                motion.seats or 1,
            )
            results.append(
                ElectionResult(
                    motion=motion,
                    participation=participation,
                    blank=sums.get((motion.pk, VoteChoice.ABSTAIN), none),
                    candidates=own,
                    outcome=outcome,
                )
            )
            continue
        agree = sums.get((motion.pk, VoteChoice.AGREE), none)
        oppose = sums.get((motion.pk, VoteChoice.OPPOSE), none)
        abstain = sums.get((motion.pk, VoteChoice.ABSTAIN), none)
        counts = rules.Tally(
            agree_area=agree.area,
            agree_heads=agree.heads,
            oppose_area=oppose.area,
            oppose_heads=oppose.heads,
            abstain_area=abstain.area,
            abstain_heads=abstain.heads,
        )
        if deemed_consent:
            both = rules.decide_motion(counts, totals, matter, deemed_consent=True)
            results.append(ResolutionResult(motion, counts, both.actual, both))
        else:
            results.append(
                ResolutionResult(motion, counts, rules.decide_motion(counts, totals, matter))
            )
    return AssemblyTally(
        assembly=assembly,
        totals=totals,
        counted=overall["n"],
        motions=results,
        deemed_consent=deemed_consent,
    )


# --- the result as plain data (the certified snapshot, the JSON file) -----------------------


def _amount(count: rules.Count) -> dict[str, Any]:
    return {"area": f"{Decimal(count.area):.2f}", "heads": count.heads}


def _share(count: rules.Count, totals: rules.Totals) -> dict[str, Any]:
    turnout = rules.turnout(count, totals)
    return {
        **_amount(count),
        "area_percent": str(rules.as_percent(turnout.area)),
        "heads_percent": str(rules.as_percent(turnout.heads)),
    }


def _side(tally_: rules.Tally, side: str) -> dict[str, Any]:
    return _amount(rules.Count(getattr(tally_, f"{side}_area"), getattr(tally_, f"{side}_heads")))


def _outcome_data(outcome: rules.Outcome) -> dict[str, Any]:
    counts = outcome.tally
    return {
        "participating": _share(counts.participation, outcome.totals),
        "agree": _side(counts, "agree"),
        "oppose": _side(counts, "oppose"),
        "abstain": _side(counts, "abstain"),
        "quorum_met": outcome.quorum_met,
        "approved": outcome.approval.passed,
        "passed": outcome.passed,
        "legal_basis": outcome.basis,
        "failures": list(outcome.failure_texts),
    }


def _resolution_data(result: ResolutionResult) -> dict[str, Any]:
    data = _outcome_data(result.outcome)
    if result.deemed is not None:
        deemed = result.deemed
        data["deemed"] = {
            "majority_side": deemed.majority_side.value if deemed.majority_side else None,
            "deemed_count": _amount(deemed.deemed_count),
            "note": deemed.note,
            **_outcome_data(deemed.deemed),
        }
    else:
        data["deemed"] = None
    return data


def _election_data(result: ElectionResult, totals: rules.Totals) -> dict[str, Any]:
    outcome = result.outcome
    elected = set(outcome.elected)
    tied = set(outcome.tie.candidates) if outcome.tie else set()
    return {
        "seats": outcome.seats,
        "participating": _share(result.participation, totals),
        "abstain": _amount(result.blank),
        "quorum_met": outcome.quorum_met,
        "candidates": [
            {
                "id": entry.candidate,
                "name": result.candidates[entry.candidate].name,
                "approvals": _amount(entry.approvals),
                "eligible": entry.eligible,
                "rank": entry.rank,
                "elected": entry.candidate in elected,
                "tied": entry.candidate in tied,
            }
            for entry in outcome.candidates
        ],
        "elected": [result.candidates[pk].name for pk in outcome.elected],
        "tie": (
            {
                "candidates": [result.candidates[pk].name for pk in outcome.tie.candidates],
                "seats": outcome.tie.seats,
            }
            if outcome.tie
            else None
        ),
        "unfilled_seats": outcome.unfilled_seats,
        "passed": bool(outcome.elected),
        "legal_basis": outcome.basis,
    }


def as_data(result: AssemblyTally) -> dict[str, Any]:
    """Return the tally as JSON-ready data: decimals as strings, texts as Chinese msgids."""
    assembly = result.assembly
    motions = []
    for number, item in enumerate(result.motions, start=1):
        motion = item.motion
        entry: dict[str, Any] = {
            "id": motion.pk,
            "number": number,
            "title": motion.title,
            "matter": int(motion.matter),
            "matter_label": rules.Matter(int(motion.matter)).label,
            "special": rules.is_special(rules.Matter(int(motion.matter))),
            "kind": motion.kind,
        }
        if isinstance(item, ElectionResult):
            entry.update(_election_data(item, result.totals))
        else:
            entry.update(_resolution_data(item))
        motions.append(entry)
    return {
        "format": "gongzhi-result-v1",
        "assembly": {
            "id": assembly.pk,
            "title": assembly.title,
            "estate": assembly.page_estate.name if assembly.page_estate else "",
            "voting_opens_at": assembly.voting_opens_at.isoformat()
            if assembly.voting_opens_at
            else None,
            "voting_closes_at": assembly.voting_closes_at.isoformat()
            if assembly.voting_closes_at
            else None,
            "closed_at": assembly.closed_at.isoformat() if assembly.closed_at else None,
            "deemed_consent": result.deemed_consent,
        },
        "computed_at": result.computed_at.isoformat(),
        "totals": _amount(result.totals),
        "counted_ballots": result.counted,
        "motions": motions,
    }
