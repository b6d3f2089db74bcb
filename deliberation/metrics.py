"""Per-party figures of issue reports: how fast each party answers and resolves, and how well.

    party_figures(Estate.objects.filter(...), start, end) -> list[PartyFigures]

Built for the estate's discussion page and for the officials' dashboard (many estates at
once). Counts, shares and averages are SQL aggregates; medians are read as the middle row(s)
of a duration-ordered query (portable between SQLite and PostgreSQL), two small queries per
party and figure.

Definitions (see also Thread.is_response_overdue):
- A report counts for the party responsible for it now, if it was made in [start, end).
- Answered within the deadline: the party's first official answer came at or before
  response_due_at (exactly at the deadline is on time).
- Closed within the deadline: the party marked it resolved at or before close_due_at and the
  reporter has not reopened it since. The reporter's confirmation (or the automatic close)
  is not the party's act, so it does not count against the party.
- Median response time: created → first official answer, over reports that got one.
- Median closure time: created → resolved, over reports resolved (and not reopened).
- Satisfaction: the mean of the reporters' ratings (1–5) of the party's reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from deliberation.choices import ThreadKind
from deliberation.models import Thread
from portal.community.choices import Party


@dataclass(frozen=True)
class PartyFigures:
    party: str
    reports: int
    answered: int
    answered_on_time: int
    resolved: int
    resolved_on_time: int
    median_response: timedelta | None
    median_closure: timedelta | None
    satisfaction: float | None
    ratings: int

    @property
    def label(self) -> str:
        return Party(self.party).label

    @property
    def answered_on_time_share(self) -> float | None:
        """Share of the party's reports answered within the deadline (of all its reports)."""
        return self.answered_on_time / self.reports if self.reports else None

    @property
    def closed_on_time_share(self) -> float | None:
        return self.resolved_on_time / self.reports if self.reports else None


RESPONSE_TIME = ExpressionWrapper(
    F("first_response_at") - F("created_at"), output_field=DurationField()
)
CLOSURE_TIME = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


def reports_in(estates: QuerySet, start: datetime, end: datetime) -> QuerySet:
    return Thread.objects.filter(
        kind=ThreadKind.ISSUE,
        is_held=False,
        estate__in=estates,
        created_at__gte=start,
        created_at__lt=end,
    )


def _median(reports: QuerySet, expression, not_null: str) -> timedelta | None:
    durations = reports.filter(**{f"{not_null}__isnull": False}).annotate(duration=expression)
    count = durations.count()
    if not count:
        return None
    ordered = durations.order_by("duration", "pk").values_list("duration", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def party_figures(estates: QuerySet, start: datetime, end: datetime) -> list[PartyFigures]:
    """Return the figures of each party with reports in the estates in [start, end)."""
    reports = reports_in(estates, start, end)
    rows = (
        reports.values("responsible_party")
        .annotate(
            n=Count("pk"),
            answered=Count("pk", filter=Q(first_response_at__isnull=False)),
            answered_on_time=Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            resolved_on_time=Count("pk", filter=Q(resolved_at__lte=F("close_due_at"))),
            score=Avg("satisfaction__score"),
            ratings=Count("satisfaction__pk"),
        )
        .order_by("responsible_party")
    )
    figures = []
    for row in rows:
        party = row["responsible_party"]
        mine = reports.filter(responsible_party=party)
        figures.append(
            PartyFigures(
                party=party,
                reports=row["n"],
                answered=row["answered"],
                answered_on_time=row["answered_on_time"],
                resolved=row["resolved"],
                resolved_on_time=row["resolved_on_time"],
                median_response=_median(mine, RESPONSE_TIME, "first_response_at"),
                median_closure=_median(mine, CLOSURE_TIME, "resolved_at"),
                satisfaction=(round(float(row["score"]), 2) if row["score"] is not None else None),
                ratings=row["ratings"],
            )
        )
    order = {party: i for i, party in enumerate(Party.values)}
    return sorted(figures, key=lambda f: order.get(f.party, 99))
