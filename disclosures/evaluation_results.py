"""The results of an owners' evaluation of the property service, weighted by heads and by area.

Weighting (as consultations do, SPC interpretation Art. 8 and 9):
- by heads: every responding head counts once, so the mean is Σ score / n;
- by area: each head weighs its exclusive area (co-owned units by share), so the mean is
  Σ (score × area) / Σ area.
Both are computed exactly (Fraction) in SQL-summed integers and rounded only for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, F, Sum

from disclosures.choices import ServiceArea
from disclosures.models import (
    EvaluationResponse,
    EvaluationScore,
    ServiceEvaluation,
)

# Areas are summed as integers in millionths of a square metre.
AREA_SCALE = 6


@dataclass
class AreaResult:
    area: str
    label: str
    by_heads: Fraction | None = None
    by_area: Fraction | None = None
    previous_by_heads: Fraction | None = None
    previous_by_area: Fraction | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def change_by_heads(self) -> Fraction | None:
        if self.by_heads is None or self.previous_by_heads is None:
            return None
        return self.by_heads - self.previous_by_heads


@dataclass
class Results:
    evaluation: ServiceEvaluation
    heads: int
    area: Decimal
    areas: list[AreaResult]
    overall_by_heads: Fraction | None
    overall_by_area: Fraction | None
    previous: ServiceEvaluation | None = None
    previous_overall_by_heads: Fraction | None = None


def _means(
    evaluation: ServiceEvaluation,
) -> tuple[int, int, dict[str, tuple[Fraction | None, Fraction | None]]]:
    """Return (heads, area weight, {area: (mean by heads, mean by area)}) in two queries."""
    totals = EvaluationResponse.objects.filter(evaluation=evaluation).aggregate(
        n=Count("pk"), area=Sum("area_weight")
    )
    heads, area = totals["n"] or 0, totals["area"] or 0
    means: dict[str, tuple[Fraction | None, Fraction | None]] = {}
    rows = (
        EvaluationScore.objects.filter(response__evaluation=evaluation)
        .values("area")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            weighted=Sum(F("score") * F("response__area_weight")),
            weight=Sum("response__area_weight"),
        )
    )
    for row in rows:
        by_heads = Fraction(row["total"], row["n"]) if row["n"] else None
        by_area = Fraction(row["weighted"], row["weight"]) if row["weight"] else None
        means[row["area"]] = (by_heads, by_area)
    return heads, area, means


def means_for(
    evaluation_ids,
) -> dict[int, tuple[int, dict[str, tuple[Fraction | None, Fraction | None]]]]:
    """Return {evaluation id: (heads, {area: (mean by heads, mean by area)})} for many
    evaluations in two queries (the dashboard's bounded cost)."""
    ids = list(evaluation_ids)
    heads = dict(
        EvaluationResponse.objects.filter(evaluation_id__in=ids)
        .values("evaluation_id")
        .annotate(n=Count("pk"))
        .values_list("evaluation_id", "n")
    )
    result: dict[int, tuple[int, dict]] = {pk: (heads.get(pk, 0), {}) for pk in ids}
    for row in (
        EvaluationScore.objects.filter(response__evaluation_id__in=ids)
        .values("response__evaluation_id", "area")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            weighted=Sum(F("score") * F("response__area_weight")),
            weight=Sum("response__area_weight"),
        )
    ):
        by_heads = Fraction(row["total"], row["n"]) if row["n"] else None
        by_area = Fraction(row["weighted"], row["weight"]) if row["weight"] else None
        result[row["response__evaluation_id"]][1][row["area"]] = (by_heads, by_area)
    return result


def overall(
    means: dict[str, tuple[Fraction | None, Fraction | None]], index: int
) -> Fraction | None:
    """Return the mean of the areas' means (index 0: by heads, 1: by area)."""
    return _overall(means, index)


def previous_of(evaluation: ServiceEvaluation) -> ServiceEvaluation | None:
    return (
        ServiceEvaluation.objects.filter(
            estate=evaluation.estate, year__lt=evaluation.year, published_at__isnull=False
        )
        .order_by("-year", "-closes_at")
        .first()
    )


def _overall(
    means: dict[str, tuple[Fraction | None, Fraction | None]], index: int
) -> Fraction | None:
    values = [m[index] for m in means.values() if m[index] is not None]
    return sum(values, Fraction(0)) / len(values) if values else None


def results(evaluation: ServiceEvaluation, *, with_comments: bool = True) -> Results:
    heads, area, means = _means(evaluation)
    previous = previous_of(evaluation)
    previous_means = _means(previous)[2] if previous else {}
    comments: dict[str, list[str]] = {}
    if with_comments:
        for area_key, text in (
            EvaluationScore.objects.filter(response__evaluation=evaluation)
            .exclude(comment="")
            .order_by("pk")
            .values_list("area", "comment")[:500]
        ):
            comments.setdefault(area_key, []).append(text)
    areas = []
    for service_area in ServiceArea:
        by_heads, by_area = means.get(service_area.value, (None, None))
        prev = previous_means.get(service_area.value, (None, None))
        areas.append(
            AreaResult(
                service_area.value,
                str(service_area.label),
                by_heads,
                by_area,
                prev[0],
                prev[1],
                comments.get(service_area.value, []),
            )
        )
    return Results(
        evaluation=evaluation,
        heads=heads,
        area=Decimal(area).scaleb(-AREA_SCALE),
        areas=areas,
        overall_by_heads=_overall(means, 0),
        overall_by_area=_overall(means, 1),
        previous=previous,
        previous_overall_by_heads=_overall(previous_means, 0) if previous else None,
    )


def score_text(value: Fraction | None) -> str:
    """Return a mean as people read it, two places, rounded half up: 4.33, or —."""
    if value is None:
        return "—"
    return str(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    )


def change_text(value: Fraction | None) -> str:
    if value is None:
        return "—"
    text = score_text(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "±0.00")
