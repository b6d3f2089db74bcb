"""Compute the issue-report figures, once, for the discussion page, the officials' dashboard,
its alerts and the open-data API alike.

    report_figures(estate_ids, period) -> {estate id: EstateReports}

Two pages asked about the same estate and the same dates get the same numbers because they
call this one function. The definitions (README, "Issue-report figures"):

- Which reports: issue reports out of review (held ones have reached nobody yet), made in
  the period: ``created_at`` in [period.start, period.end), whole Asia/Shanghai days, both
  ends included. The dashboard's dates and the discussion page's 近 90 天 are both a Period.
- Whose: the party responsible now, after any reassignment. Deadlines are fixed when the
  report is made (at most 24 h to answer, 48 h to resolve; an estate may set shorter ones);
  a reassignment does not move them.
- Each deadline of each report is ON_TIME, LATE, MISSED (not done, past due) or WAITING (not
  done, not yet due): deliberation/models/threads.py decides, in SQL and in Python.
- Answered on time (按时响应): ON_TIME / (reports whose response is decided: all but WAITING).
  A report still unanswered and past its due time counts as not answered on time; one not yet
  due counts neither way. Closed on time (按时办结) likewise, over resolutions.
- Overdue (已逾期): open (待响应 or 处理中) and a deadline MISSED, now. Answered late is not
  overdue.
- Open (未办结): 待响应 or 处理中, now.
- Median response time: created → first official answer, over answered reports; median
  closure time: created → resolved, over resolved reports; the middle value, or the mean of
  the two middle values.
- Satisfaction: the mean of the reporters' ratings (1–5), with how many rated.

Queries: one aggregate grouped by estate and party, and one list of durations for the
medians; whatever the number of estates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from django.db.models import Count, Sum
from django.utils import timezone

from deliberation.choices import DeadlineStatus
from deliberation.models import Thread
from deliberation.models.threads import closure_q, open_report_q, overdue_q, response_q
from portal.community.choices import Party
from portal.dashboard.period import Period

STATUSES = tuple(DeadlineStatus.values)


def reports_in(estate_ids: Iterable[int], period: Period):
    """Return the reports the figures of these estates and this period count."""
    return (
        Thread.objects.counted_reports()
        .filter(estate_id__in=list(estate_ids))
        .made_between(period.start, period.end)
    )


def median_duration(durations: Sequence[timedelta]) -> timedelta | None:
    """Return the median of durations (the mean of the two middle ones), or None."""
    if not durations:
        return None
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class ReportFigures:
    """Hold the figures of one group of reports (one estate, or one party in one estate)."""

    reports: int = 0
    open: int = 0
    overdue: int = 0
    response: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    closure: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    rating_sum: int = 0
    ratings: int = 0
    response_times: list[timedelta] = field(default_factory=list)
    closure_times: list[timedelta] = field(default_factory=list)

    def add(self, other: ReportFigures) -> None:
        """Add another group's counts and durations to this one (parties into an estate)."""
        self.reports += other.reports
        self.open += other.open
        self.overdue += other.overdue
        for status in STATUSES:
            self.response[status] += other.response[status]
            self.closure[status] += other.closure[status]
        self.rating_sum += other.rating_sum
        self.ratings += other.ratings
        self.response_times.extend(other.response_times)
        self.closure_times.extend(other.closure_times)

    @property
    def answered_on_time(self) -> int:
        return self.response[DeadlineStatus.ON_TIME]

    @property
    def resolved_on_time(self) -> int:
        return self.closure[DeadlineStatus.ON_TIME]

    @property
    def answered(self) -> int:
        return self.response[DeadlineStatus.ON_TIME] + self.response[DeadlineStatus.LATE]

    @property
    def resolved(self) -> int:
        return self.closure[DeadlineStatus.ON_TIME] + self.closure[DeadlineStatus.LATE]

    @property
    def answered_on_time_share(self) -> Fraction | None:
        """Return the share answered on time of the reports whose response is decided."""
        decided = self.reports - self.response[DeadlineStatus.WAITING]
        return Fraction(self.answered_on_time, decided) if decided else None

    @property
    def closed_on_time_share(self) -> Fraction | None:
        """Return the share resolved on time of the reports whose closure is decided."""
        decided = self.reports - self.closure[DeadlineStatus.WAITING]
        return Fraction(self.resolved_on_time, decided) if decided else None

    @property
    def median_response(self) -> timedelta | None:
        return median_duration(self.response_times)

    @property
    def median_closure(self) -> timedelta | None:
        return median_duration(self.closure_times)

    @property
    def satisfaction(self) -> Fraction | None:
        """Return the mean rating (1–5), or None when nobody rated."""
        return Fraction(self.rating_sum, self.ratings) if self.ratings else None


@dataclass
class PartyFigures(ReportFigures):
    """Hold one party's figures, with its name for the page."""

    party: str = ""

    @property
    def label(self) -> str:
        return Party(self.party).label


@dataclass
class EstateReports:
    """Hold one estate's figures: all its reports, and per responsible party."""

    total: ReportFigures = field(default_factory=ReportFigures)
    parties: dict[str, PartyFigures] = field(default_factory=dict)

    def party(self, party: str) -> PartyFigures:
        """Return the party's figures (zero when it had no reports)."""
        return self.parties.get(party) or PartyFigures(party=party)

    def by_party(self) -> list[PartyFigures]:
        """Return the parties that had reports, in the order of Party."""
        return [self.parties[p] for p in Party.values if p in self.parties]


def report_figures(
    estate_ids: Sequence[int],
    period: Period,
    *,
    now: datetime | None = None,
    party: str | None = None,
    medians: bool = True,
) -> dict[int, EstateReports]:
    """Return the issue-report figures of each estate for the period, as of `now`.

    ``party`` narrows to one responsible party and ``medians=False`` skips reading the
    durations: both only leave out work, never change a figure that is computed.
    """
    now = now or timezone.now()
    reports = reports_in(estate_ids, period)
    if party is not None:
        reports = reports.filter(responsible_party=party)
    counts = {
        **{f"response_{s}": Count("pk", filter=response_q(s, now)) for s in STATUSES},
        **{f"closure_{s}": Count("pk", filter=closure_q(s, now)) for s in STATUSES},
    }
    rows = (
        reports.values("estate_id", "responsible_party")
        .annotate(
            n=Count("pk"),
            n_open=Count("pk", filter=open_report_q()),
            n_overdue=Count("pk", filter=overdue_q(now)),
            rating_sum=Sum("satisfaction__score"),
            n_ratings=Count("satisfaction__pk"),
            **counts,
        )
        .order_by()
    )
    groups: dict[tuple[int, str], PartyFigures] = {}
    for row in rows:
        groups[row["estate_id"], row["responsible_party"]] = PartyFigures(
            party=row["responsible_party"],
            reports=row["n"],
            open=row["n_open"],
            overdue=row["n_overdue"],
            response={s: row[f"response_{s}"] for s in STATUSES},
            closure={s: row[f"closure_{s}"] for s in STATUSES},
            rating_sum=row["rating_sum"] or 0,
            ratings=row["n_ratings"],
        )
    durations = reports.values_list(
        "estate_id", "responsible_party", "created_at", "first_response_at", "resolved_at"
    )
    for estate_id, responsible, created, answered, resolved in durations if medians else ():
        group = groups[estate_id, responsible]
        if answered is not None:
            group.response_times.append(answered - created)
        if resolved is not None:
            group.closure_times.append(resolved - created)
    figures: dict[int, EstateReports] = defaultdict(EstateReports)
    for (estate_id, responsible), group in groups.items():
        figures[estate_id].parties[responsible] = group
        figures[estate_id].total.add(group)
    return {pk: figures[pk] for pk in estate_ids}
