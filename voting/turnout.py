"""Live turnout of an assembly: participation by area and heads, overall and per building.

Participation only, never choices: a right has taken part once it has a counted ballot
(the same rule as the tally, voting.tally.counted_ballots). Per building, the area is the
exclusive area of the right's units in that building, and a head is a right with a unit
there; a right with flats in two buildings is a head in each (so per-building heads do
not add up to the overall heads, which count every right once, SPC interpretation Art. 9).
Two aggregate queries, whatever the number of ballots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import timezone

from voting import rules
from voting.models import AssemblyPage, ElectoralRoll, VotingRight, VotingRightUnit
from voting.tally import counted_ballots

ZERO = Decimal("0.00")
QUORUM_PERCENT = rules.as_percent(rules.QUORUM_THRESHOLD)


@dataclass(frozen=True)
class Bar:
    """One row of the chart: what took part of what there is, by area and by heads."""

    label: str
    voted_area: Decimal
    total_area: Decimal
    voted_heads: int
    total_heads: int

    @property
    def area_share(self) -> Fraction:
        if not self.total_area:
            return Fraction(0)
        return Fraction(self.voted_area) / Fraction(self.total_area)

    @property
    def heads_share(self) -> Fraction:
        return Fraction(self.voted_heads, self.total_heads) if self.total_heads else Fraction(0)

    @property
    def area_percent(self) -> Decimal:
        return rules.as_percent(self.area_share)

    @property
    def heads_percent(self) -> Decimal:
        return rules.as_percent(self.heads_share)


@dataclass(frozen=True)
class TurnoutReport:
    assembly: AssemblyPage
    overall: Bar
    buildings: list[Bar] = field(default_factory=list)
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def bars(self) -> list[Bar]:
        return [self.overall, *self.buildings]


def _area(value) -> Decimal:
    # SQLite sums decimals as floats; areas have two places, so rounding to them is exact.
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def _natural(label: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def turnout(assembly: AssemblyPage, *, overall_label: str = "") -> TurnoutReport | None:
    """Return the turnout of an assembly whose roll is frozen, else None."""
    roll = ElectoralRoll.objects.filter(assembly=assembly).first()
    if roll is None:
        return None
    voted = counted_ballots(assembly).values("right_id")
    overall = VotingRight.objects.filter(assembly=assembly, pk__in=voted).aggregate(
        area=Sum("area"), heads=Count("pk")
    )
    took_part = Q(right__in=voted)
    rows = (
        VotingRightUnit.objects.filter(assembly=assembly)
        .values("building_name")
        .annotate(
            total_area=Sum("exclusive_area"),
            total_heads=Count("right", distinct=True),
            voted_area=Sum("exclusive_area", filter=took_part),
            voted_heads=Count("right", distinct=True, filter=took_part),
        )
        .order_by()
    )
    buildings = [
        Bar(
            label=row["building_name"],
            voted_area=_area(row["voted_area"]),
            total_area=_area(row["total_area"]),
            voted_heads=row["voted_heads"],
            total_heads=row["total_heads"],
        )
        for row in rows
    ]
    buildings.sort(key=lambda bar: _natural(bar.label))
    return TurnoutReport(
        assembly=assembly,
        overall=Bar(
            label=overall_label,
            voted_area=_area(overall["area"]),
            total_area=roll.total_area,
            voted_heads=overall["heads"],
            total_heads=roll.total_heads,
        ),
        buildings=buildings,
    )
