"""Issue-report figures for the officials' dashboard: what is open and overdue per estate, and
how each party answers — the same definitions as deliberation/metrics.py, grouped by estate
and party in a fixed number of queries (one aggregate, one list of durations for medians).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation import visibility
from deliberation.choices import ThreadKind, ThreadState
from deliberation.models import Thread
from portal.community.choices import Party
from portal.dashboard.alerts import response_share_threshold
from portal.dashboard.figures import (
    COUNT,
    HOURS,
    SCORE,
    SHARE,
    Alert,
    Column,
    Drill,
    FigureSource,
    format_value,
    median,
    share,
    weekly_counts,
)
from portal.dashboard.period import Period

OPEN_STATES = (ThreadState.PENDING, ThreadState.IN_PROGRESS)


def _reports(estate_ids: Sequence[int], period: Period):
    return Thread.objects.filter(
        kind=ThreadKind.ISSUE,
        is_held=False,
        estate_id__in=estate_ids,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )


def _overdue_now(now) -> Q:
    """Open and past a deadline: no first answer by the response deadline, or not resolved by
    the closure deadline."""
    return Q(state__in=OPEN_STATES) & (
        Q(first_response_at__isnull=True, response_due_at__lt=now) | Q(close_due_at__lt=now)
    )


def _when(moment, due, now) -> str:
    """Return when something happened, marked late past its due time, or still open."""
    if moment is None:
        return str(_("超时未完成")) if due and now > due else "—"
    text = timezone.localtime(moment).strftime("%m-%d %H:%M")
    return f"{text}（{_('超时')}）" if due is not None and moment > due else text


def report_drill(estate, reports, title) -> Drill:
    """List issue reports with their party, state and how their deadlines went."""
    now = timezone.now()
    drill = Drill(
        title=title,
        headings=[_("标题"), _("责任方"), _("状态"), _("提出时间"), _("首次响应"), _("解决")],
    )
    for thread in reports.order_by("-created_at"):
        drill.rows.append(
            [
                (
                    visibility.shown_title(thread),
                    reverse("deliberation:thread_detail", args=[estate.slug, thread.pk]),
                ),
                (str(thread.get_responsible_party_display() or "—"), ""),
                (str(thread.get_state_display()), ""),
                (timezone.localtime(thread.created_at).strftime("%Y-%m-%d %H:%M"), ""),
                (_when(thread.first_response_at, thread.response_due_at, now), ""),
                (_when(thread.resolved_at, thread.close_due_at, now), ""),
            ]
        )
    return drill


class IssueReportFigures(FigureSource):
    """Per estate: reports made, open and overdue now, and the on-time shares over all parties."""

    key = "issues"
    title = _("问题反映")
    columns = (
        Column("reports", _("问题反映"), COUNT, drill=True),
        Column("open", _("未办结"), COUNT, drill=True),
        Column("overdue", _("已超时"), COUNT, drill=True, help=_("未办结且已超过响应或办结时限。")),
        Column("answered_on_time", _("24 小时内响应"), SHARE, drill=True),
        Column("closed_on_time", _("48 小时内办结"), SHARE, drill=True),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        now = timezone.now()
        rows = {
            r["estate_id"]: r
            for r in _reports(estate_ids, period)
            .values("estate_id")
            .annotate(
                n=Count("pk"),
                open=Count("pk", filter=Q(state__in=OPEN_STATES)),
                overdue=Count("pk", filter=_overdue_now(now)),
                on_time=Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))),
                closed_on_time=Count("pk", filter=Q(resolved_at__lte=F("close_due_at"))),
            )
        }
        empty = {"n": 0, "open": 0, "overdue": 0, "on_time": 0, "closed_on_time": 0}
        return {
            pk: {
                "reports": rows.get(pk, empty)["n"],
                "open": rows.get(pk, empty)["open"],
                "overdue": rows.get(pk, empty)["overdue"],
                "answered_on_time": share(rows.get(pk, empty)["on_time"], rows.get(pk, empty)["n"]),
                "closed_on_time": share(
                    rows.get(pk, empty)["closed_on_time"], rows.get(pk, empty)["n"]
                ),
            }
            for pk in estate_ids
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        reports = _reports([estate.pk], period)
        if column == "open":
            reports = reports.filter(state__in=OPEN_STATES)
        elif column == "overdue":
            reports = reports.filter(_overdue_now(timezone.now()))
        return report_drill(estate, reports, _("%(estate)s · 问题反映") % {"estate": estate.name})

    def weekly(self, estate_ids: Sequence[int], period: Period) -> dict[str, list[float]]:
        reports = _reports(estate_ids, period)
        weeks = period.weeks()
        return {
            str(_("新问题反映")): weekly_counts(
                weeks, reports.values_list("created_at", flat=True)
            ),
            str(_("按时响应")): weekly_counts(
                weeks,
                reports.filter(first_response_at__lte=F("response_due_at")).values_list(
                    "created_at", flat=True
                ),
            ),
        }

    def alerts(self, estate_ids: Sequence[int], period: Period):
        from portal.community.models import Estate

        threshold = response_share_threshold()
        low = {
            pk: row["answered_on_time"]
            for pk, row in self.compute(estate_ids, period).items()
            if row["answered_on_time"] is not None and float(row["answered_on_time"]) < threshold
        }
        estates = Estate.objects.in_bulk(list(low))
        for pk, rate in low.items():
            estate = estates[pk]
            yield Alert(
                estate_id=pk,
                key=f"response_share_low:{pk}",
                message=str(
                    _("%(estate)s：问题反映 24 小时内响应率 %(rate)s，低于 %(threshold)s。")
                    % {
                        "estate": estate.name,
                        "rate": format_value(rate, SHARE),
                        "threshold": f"{threshold * 100:.0f}%",
                    }
                ),
                url=reverse("dashboard:drill", args=[estate.slug, self.key, "answered_on_time"])
                + "?"
                + period.query(),
                severity="danger",
            )


class PartyResponseFigures(FigureSource):
    """How one party answers the reports it is responsible for, per estate."""

    party: str = ""
    columns = (
        Column("reports", _("负责的问题"), COUNT, drill=True),
        Column("answered_on_time", _("24 小时内响应"), SHARE, drill=True),
        Column("closed_on_time", _("48 小时内办结"), SHARE, drill=True),
        Column("median_response", _("响应时间中位数"), HOURS),
        Column("median_closure", _("办结时间中位数"), HOURS),
        Column("satisfaction", _("满意度（1–5）"), SCORE),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        reports = _reports(estate_ids, period).filter(responsible_party=self.party)
        rows = {
            r["estate_id"]: r
            for r in reports.values("estate_id").annotate(
                n=Count("pk"),
                on_time=Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))),
                closed_on_time=Count("pk", filter=Q(resolved_at__lte=F("close_due_at"))),
                score=Avg("satisfaction__score"),
            )
        }
        responses: dict[int, list[float]] = defaultdict(list)
        closures: dict[int, list[float]] = defaultdict(list)
        for estate_id, created, answered, resolved in reports.values_list(
            "estate_id", "created_at", "first_response_at", "resolved_at"
        ):
            if answered:
                responses[estate_id].append((answered - created).total_seconds() / 3600)
            if resolved:
                closures[estate_id].append((resolved - created).total_seconds() / 3600)
        figures = {}
        for pk in estate_ids:
            row = rows.get(pk)
            figures[pk] = {
                "reports": row["n"] if row else 0,
                "answered_on_time": share(row["on_time"], row["n"]) if row else None,
                "closed_on_time": share(row["closed_on_time"], row["n"]) if row else None,
                "median_response": median(responses[pk]),
                "median_closure": median(closures[pk]),
                "satisfaction": row["score"] if row else None,
            }
        return figures

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        reports = _reports([estate.pk], period).filter(responsible_party=self.party)
        title = _("%(estate)s · 问题反映") % {"estate": estate.name}
        return report_drill(estate, reports, f"{title} · {Party(self.party).label}")


class PropertyResponseFigures(PartyResponseFigures):
    key = "issues-property"
    party = Party.PROPERTY
    title = _("物业服务企业的响应")


class CommitteeResponseFigures(PartyResponseFigures):
    key = "issues-committee"
    party = Party.COMMITTEE
    title = _("业主委员会的响应")


class CommunityResponseFigures(PartyResponseFigures):
    key = "issues-community"
    party = Party.COMMUNITY
    title = _("社区居委会的响应")
