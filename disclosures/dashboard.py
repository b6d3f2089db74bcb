"""Disclosure and evaluation figures for the officials' dashboard and the open-data API.

Disclosures: per estate, the latest period that has fallen due (by the dashboard's last day)
and how it stands — on time, late or missing — and, over the periods falling due in the
dashboard's range, how many were on time, late or are missing, plus the maintenance-fund uses
that name no assembly decision. Every status comes from disclosures.deadlines (one definition).

Evaluations: the latest published evaluation's overall scores by heads and by area, and the
change from the year before; shown next to the property company's issue-report figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosures import deadlines
from disclosures.choices import DisclosureState, Section, Timeliness
from disclosures.evaluation_results import change_text, means_for, overall
from disclosures.models import Disclosure, DisclosureLine, ServiceEvaluation
from portal.community.models import Estate
from portal.dashboard.figures import COUNT, SCORE, TEXT, Alert, Column, Drill, FigureSource
from portal.dashboard.period import Period


def _periods(estate_ids: Sequence[int], period: Period) -> dict[int, list[dict[str, Any]]]:
    """Return {estate id: [{period, disclosure, timeliness}]} for periods due by period.last,
    oldest first, in two queries."""
    today = min(period.last, timezone.localdate())
    disclosures: dict[int, dict] = {}
    for d in Disclosure.objects.filter(estate_id__in=list(estate_ids)).only(
        "pk", "estate_id", "period_start", "period_end", "published_at", "state"
    ):
        disclosures.setdefault(d.estate_id, {})[d.period_start] = d
    first = {pk: min(found) for pk, found in disclosures.items()}
    rules = deadlines.rules_for(estate_ids, first_starts=first)
    result: dict[int, list[dict[str, Any]]] = {}
    for pk in estate_ids:
        rows = []
        for expected in deadlines.expected_periods(rules[pk], until=today):
            if expected.end >= today:
                continue  # not yet ended: nothing is owed
            found = disclosures.get(pk, {}).get(expected.start)
            published_at = found.published_at if found else None
            if published_at is not None and timezone.localtime(published_at).date() > today:
                published_at = None  # published after the day looked at
            rows.append(
                {
                    "period": expected,
                    "disclosure": found,
                    "timeliness": deadlines.timeliness(expected.due, published_at, today),
                }
            )
        result[pk] = rows
    return result


def _settled_on(row: dict[str, Any]):
    found = row["disclosure"]
    if (
        found is not None
        and found.published_at is not None
        and row["timeliness"] != Timeliness.MISSING
    ):
        return timezone.localtime(found.published_at).date()
    return row["period"].due


class DisclosureFigures(FigureSource):
    key = "disclosures"
    title = _("物业信息公开")
    columns = (
        Column("latest_period", _("最近应公开期间"), TEXT),
        Column(
            "latest_status",
            _("公开情况"),
            TEXT,
            drill=True,
            help=_(
                "期满后规定天数内（默认 30 天）公开为按时；超过为逾期公开；仍未公开为逾期未公开。"
            ),
        ),
        Column("on_time", _("按时公开"), COUNT, drill=True),
        Column("late", _("逾期公开"), COUNT, drill=True),
        Column("missing", _("逾期未公开"), COUNT, drill=True),
        Column(
            "fund_uses_without_decision",
            _("维修资金使用未注明业主大会决定"),
            COUNT,
            drill=True,
            help=_("已公开的信息公开中，未写明批准它的业主大会决定的维修资金使用笔数。"),
        ),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        periods = _periods(estate_ids, period)
        flagged = _flagged_counts(estate_ids, period)
        figures = {}
        for pk in estate_ids:
            rows = periods.get(pk, [])
            # A period counts in the range when it was published in it, or (unpublished) fell
            # due in it; one still missing counts until it is published.
            in_range = [
                r
                for r in rows
                if period.first <= _settled_on(r) <= period.last
                or r["timeliness"] == Timeliness.MISSING
            ]
            due = [r for r in rows if r["timeliness"] != Timeliness.NOT_DUE]
            latest = due[-1] if due else None
            figures[pk] = {
                "latest_period": latest["period"].label if latest else None,
                "latest_status": str(Timeliness(latest["timeliness"]).label) if latest else None,
                "on_time": sum(r["timeliness"] == Timeliness.ON_TIME for r in in_range),
                "late": sum(r["timeliness"] == Timeliness.LATE for r in in_range),
                "missing": sum(r["timeliness"] == Timeliness.MISSING for r in in_range),
                "fund_uses_without_decision": flagged.get(pk, 0),
            }
        return {pk: {c.key: row[c.key] for c in self.columns} for pk, row in figures.items()}

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        drill = Drill(
            title=_("%(estate)s · 物业信息公开") % {"estate": estate.name},
            headings=[_("期间"), _("应公开日期"), _("公开时间"), _("状态")],
        )
        if column == "fund_uses_without_decision":
            drill.headings = [_("期间"), _("维修资金使用"), _("金额（元）")]
            for line in _flagged_lines([estate.pk], period).select_related("disclosure"):
                url = (
                    reverse("disclosures:detail", args=[estate.slug, line.disclosure_id])
                    + f"#line-{line.pk}"
                )
                drill.rows.append(
                    [(line.disclosure.period_label, url), (line.label, ""), (str(line.outflow), "")]
                )
            return drill
        for row in reversed(_periods([estate.pk], period).get(estate.pk, [])):
            found = row["disclosure"]
            url = (
                reverse("disclosures:detail", args=[estate.slug, found.pk])
                if found and found.published_at
                else ""
            )
            published = (
                timezone.localtime(found.published_at).strftime("%Y-%m-%d")
                if found and found.published_at
                else "—"
            )
            drill.rows.append(
                [
                    (row["period"].label, url),
                    (row["period"].due.isoformat(), ""),
                    (published, ""),
                    (str(Timeliness(row["timeliness"]).label), ""),
                ]
            )
        return drill

    def alerts(self, estate_ids: Sequence[int], period: Period):
        periods = _periods(estate_ids, period)
        estates = Estate.objects.in_bulk(list(estate_ids))
        for pk, rows in periods.items():
            for row in rows:
                if row["timeliness"] != Timeliness.MISSING:
                    continue
                estate = estates[pk]
                yield Alert(
                    estate_id=pk,
                    key=f"disclosure_missing:{pk}:{row['period'].start.isoformat()}",
                    message=str(
                        _("%(estate)s：%(period)s 的物业信息公开应于 %(due)s 前公开，至今未公开。")
                        % {
                            "estate": estate.name,
                            "period": row["period"].label,
                            "due": row["period"].due.isoformat(),
                        }
                    ),
                    url=reverse("disclosures:estate_index", args=[estate.slug]),
                    severity="danger",
                )


def _flagged_lines(estate_ids: Sequence[int], period: Period):
    """Return published maintenance-fund uses that name no assembly decision, for periods
    that end within the dashboard's range."""
    return DisclosureLine.objects.filter(
        disclosure__estate_id__in=list(estate_ids),
        disclosure__state=DisclosureState.PUBLISHED,
        disclosure__period_end__gte=period.first - (period.last - period.first),
        disclosure__period_end__lte=period.last,
        section=Section.FUND,
        outflow__gt=0,
        decision="",
    )


def _flagged_counts(estate_ids: Sequence[int], period: Period) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        _flagged_lines(estate_ids, period)
        .values("disclosure__estate_id")
        .annotate(n=Count("pk"))
        .values_list("disclosure__estate_id", "n")
    )


class EvaluationFigures(FigureSource):
    key = "evaluations"
    title = _("物业服务满意度测评")
    columns = (
        Column("year", _("最近公布的测评"), TEXT, drill=True),
        Column("heads", _("参与户数"), COUNT),
        Column("by_heads", _("总体（按人数）"), SCORE),
        Column("by_area", _("总体（按面积）"), SCORE),
        Column("change", _("较上一年（按人数）"), TEXT),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        """Return the latest published evaluation's figures per estate, in three queries."""
        published: dict[int, list[ServiceEvaluation]] = {}
        for evaluation in ServiceEvaluation.objects.filter(
            estate_id__in=list(estate_ids), published_at__isnull=False, published_at__lt=period.end
        ).order_by("year", "closes_at"):
            published.setdefault(evaluation.estate_id, []).append(evaluation)
        wanted = {}
        for pk, items in published.items():
            latest = items[-1]
            earlier = [e for e in items if e.year < latest.year]
            wanted[pk] = (latest, earlier[-1] if earlier else None)
        means = means_for(e.pk for pair in wanted.values() for e in pair if e is not None)
        figures = {}
        for pk in estate_ids:
            if pk not in wanted:
                figures[pk] = {
                    "year": None,
                    "heads": None,
                    "by_heads": None,
                    "by_area": None,
                    "change": None,
                }
                continue
            latest, previous = wanted[pk]
            heads, areas = means[latest.pk]
            current = overall(areas, 0)
            before = overall(means[previous.pk][1], 0) if previous else None
            figures[pk] = {
                "year": str(latest.year),
                "heads": heads,
                "by_heads": current,
                "by_area": overall(areas, 1),
                "change": change_text(current - before)
                if current is not None and before is not None
                else None,
            }
        return figures

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        drill = Drill(
            title=_("%(estate)s · 物业服务满意度测评") % {"estate": estate.name},
            headings=[_("测评"), _("公布时间")],
        )
        for evaluation in ServiceEvaluation.objects.filter(
            estate=estate, published_at__isnull=False
        ):
            drill.rows.append(
                [
                    (
                        f"{evaluation.year} · {evaluation.get_occasion_display()}",
                        reverse("disclosures:evaluation", args=[estate.slug, evaluation.pk]),
                    ),
                    (timezone.localtime(evaluation.published_at).strftime("%Y-%m-%d"), ""),
                ]
            )
        return drill
