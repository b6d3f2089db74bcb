"""Issue-report figures for the officials' dashboard: what is open and overdue per estate, and
how each party answers. Every number comes from deliberation.metrics.report_figures (the one
definition, shared with the discussion page and the open-data API); this module only lays
them out, lists the reports behind them and raises the alerts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation import visibility
from deliberation.choices import DeadlineStatus
from deliberation.metrics import ReportFigures, report_figures, reports_in
from deliberation.models.threads import closure_q, open_report_q, overdue_q, response_q
from portal.community import legal
from portal.community.choices import Party
from portal.community.legal_checks import lazy_format
from portal.community.models import Estate
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
    weekly_counts,
)
from portal.dashboard.period import Period

ANSWERED_ON_TIME = lazy_format(_("%(hours)s 小时内响应"), hours=legal.RESPONSE_HOURS.maximum)
CLOSED_ON_TIME = lazy_format(_("%(hours)s 小时内办结"), hours=legal.CLOSE_HOURS.maximum)
ANSWERED_ON_TIME_HELP = _(
    "在时限内首次官方答复的问题占已到期问题的比例；尚未答复且未到期的不计入。"
)
CLOSED_ON_TIME_HELP = _("在时限内标记解决的问题占已到期问题的比例；尚未解决且未到期的不计入。")


def _hours(value) -> float | None:
    return value.total_seconds() / 3600 if value is not None else None


def _when(moment, status: str | None) -> str:
    """Return when a deadline was met, marked when late; or that it was missed; or —."""
    if moment is None:
        return str(DeadlineStatus.MISSED.label) if status == DeadlineStatus.MISSED else "—"
    text = timezone.localtime(moment).strftime("%m-%d %H:%M")
    return f"{text}（{_('超时')}）" if status == DeadlineStatus.LATE else text


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
                (_when(thread.first_response_at, thread.response_status(now)), ""),
                (_when(thread.resolved_at, thread.closure_status(now)), ""),
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
        Column(
            "overdue",
            _("已逾期"),
            COUNT,
            drill=True,
            help=_("仍未办结、且已超过首次响应或办结时限未完成的问题；超时后已答复的不算逾期。"),
        ),
        Column("answered_on_time", ANSWERED_ON_TIME, SHARE, drill=True, help=ANSWERED_ON_TIME_HELP),
        Column("closed_on_time", CLOSED_ON_TIME, SHARE, drill=True, help=CLOSED_ON_TIME_HELP),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        return {
            pk: _columns(self, _row(figures.total))
            for pk, figures in report_figures(estate_ids, period, medians=False).items()
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        now = timezone.now()
        reports = reports_in([estate.pk], period)
        if column == "open":
            reports = reports.filter(open_report_q())
        elif column == "overdue":
            reports = reports.filter(overdue_q(now))
        elif column == "answered_on_time":
            reports = reports.exclude(response_q(DeadlineStatus.WAITING, now))
        elif column == "closed_on_time":
            reports = reports.exclude(closure_q(DeadlineStatus.WAITING, now))
        return report_drill(estate, reports, _("%(estate)s · 问题反映") % {"estate": estate.name})

    def weekly(self, estate_ids: Sequence[int], period: Period) -> dict[str, list[float]]:
        reports = reports_in(estate_ids, period)
        weeks = period.weeks()
        now = timezone.now()
        return {
            str(_("新问题反映")): weekly_counts(
                weeks, reports.values_list("created_at", flat=True)
            ),
            str(_("按时响应")): weekly_counts(
                weeks,
                reports.filter(response_q(DeadlineStatus.ON_TIME, now)).values_list(
                    "created_at", flat=True
                ),
            ),
        }

    def alerts(self, estate_ids: Sequence[int], period: Period):
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
                    _("%(estate)s：问题反映 %(hours)s 小时内响应率 %(rate)s，低于 %(threshold)s。")
                    % {
                        "estate": estate.name,
                        "hours": legal.RESPONSE_HOURS.maximum,
                        "rate": format_value(rate, SHARE),
                        "threshold": f"{threshold * 100:.0f}%",
                    }
                ),
                url=reverse("dashboard:drill", args=[estate.slug, self.key, "answered_on_time"])
                + "?"
                + period.query(),
                severity="danger",
            )


def _row(figures: ReportFigures) -> dict[str, Any]:
    return {
        "reports": figures.reports,
        "open": figures.open,
        "overdue": figures.overdue,
        "answered_on_time": figures.answered_on_time_share,
        "closed_on_time": figures.closed_on_time_share,
        "median_response": _hours(figures.median_response),
        "median_closure": _hours(figures.median_closure),
        "satisfaction": figures.satisfaction,
    }


def _columns(source: FigureSource, row: dict[str, Any]) -> dict[str, Any]:
    return {column.key: row[column.key] for column in source.columns}


class PartyResponseFigures(FigureSource):
    """How one party answers the reports it is responsible for, per estate."""

    party: str = ""
    columns = (
        Column("reports", _("负责的问题"), COUNT, drill=True),
        Column("answered_on_time", ANSWERED_ON_TIME, SHARE, drill=True, help=ANSWERED_ON_TIME_HELP),
        Column("closed_on_time", CLOSED_ON_TIME, SHARE, drill=True, help=CLOSED_ON_TIME_HELP),
        Column("median_response", _("响应时间中位数"), HOURS),
        Column("median_closure", _("办结时间中位数"), HOURS),
        Column("satisfaction", _("满意度（1–5）"), SCORE),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        return {
            pk: _columns(self, _row(figures.party(self.party)))
            for pk, figures in report_figures(estate_ids, period, party=self.party).items()
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        reports = reports_in([estate.pk], period).filter(responsible_party=self.party)
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
