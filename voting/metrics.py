"""Assembly figures for the officials' dashboard: meetings held and how many owners took part.

Turnout here is the share of the frozen roll (by area and by heads) that cast any ballot in
the meeting; outcomes come from the certified result (its frozen snapshot), and whether the
result notice went out within the estate's deadline (close + at most 3 days). Choice
counts never appear before the close, so only closed meetings are measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community import legal
from portal.community.legal_checks import lazy_format
from portal.dashboard.figures import (
    COUNT,
    SHARE,
    Alert,
    Column,
    Drill,
    FigureSource,
    estate_of_path,
    estate_page_paths,
    format_value,
    page_url_maker,
    read_once,
    share,
)
from portal.dashboard.period import Period
from voting.choices import AssemblyState
from voting.models import AssemblyPage, AssemblyResult, Ballot, VotingRight


class AssemblyFigures(FigureSource):
    key = "assemblies"
    title = _("业主大会")
    columns = (
        Column("closed", _("已结束的会议"), COUNT, drill=True),
        Column("turnout_area", _("参与率（面积）"), SHARE, drill=True),
        Column("turnout_heads", _("参与率（人数）"), SHARE, drill=True),
        Column("motions_passed", _("通过事项"), COUNT, drill=True),
        Column("motions_total", _("表决事项"), COUNT, drill=True),
        Column(
            "results_late",
            _("结果未按期公布"),
            COUNT,
            drill=True,
            help=lazy_format(
                _("投票结束后超过公布期限（最长 %(days)s 日）才核定公布，或至今未公布的会议数。"),
                days=legal.RESULT_DUE_DAYS.maximum,
            ),
        ),
    )

    @read_once
    def _assemblies(self, estate_ids: Sequence[int], period: Period) -> list[dict[str, Any]]:
        now = timezone.now()
        paths = estate_page_paths(estate_ids)
        prefix, _length = estate_of_path(paths)
        assemblies = list(
            AssemblyPage.objects.filter(
                state=AssemblyState.CLOSED,
                voting_closes_at__gte=period.start,
                voting_closes_at__lt=period.end,
            )
            .annotate(estate_path=prefix)
            .filter(estate_path__in=list(paths))
            .values(
                "pk",
                "title",
                "url_path",
                "estate_path",
                "voting_closes_at",
                "closed_at",
                "result_due_days",
            )
        )
        results = {
            r["assembly_id"]: r
            for r in AssemblyResult.objects.filter(
                assembly_id__in=[a["pk"] for a in assemblies]
            ).values("assembly_id", "certified_at", "overdue", "snapshot", "notice_id")
        }
        voted = Exists(Ballot.objects.filter(right_id=OuterRef("pk")))
        turnout = {
            row["assembly_id"]: row
            for row in VotingRight.objects.filter(assembly_id__in=[a["pk"] for a in assemblies])
            .annotate(voted=voted)
            .values("assembly_id")
            .annotate(
                roll_heads=Count("pk"),
                roll_area=Sum("area"),
                voted_heads=Count("pk", filter=Q(voted=True)),
                voted_area=Sum("area", filter=Q(voted=True)),
            )
        }
        for a in assemblies:
            a["estate_id"] = paths[a["estate_path"]]
            row = turnout.get(a["pk"], {})
            a["heads"] = row.get("roll_heads") or 0
            a["area"] = row.get("roll_area") or Decimal(0)
            a["voted_heads"] = row.get("voted_heads") or 0
            a["voted_area"] = row.get("voted_area") or Decimal(0)
            a.update(_result_facts(a, results.get(a["pk"]), now))
        return assemblies

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        totals: dict[int, dict[str, Any]] = defaultdict(
            lambda: {
                "closed": 0,
                "heads": 0,
                "area": Decimal(0),
                "vh": 0,
                "va": Decimal(0),
                "passed": 0,
                "motions": 0,
                "late": 0,
            }
        )
        for a in self._assemblies(estate_ids, period):
            t = totals[a["estate_id"]]
            t["closed"] += 1
            t["passed"] += a["passed"] or 0
            t["motions"] += a["motions"] or 0
            t["late"] += int(a["late"])
            t["heads"] += a["heads"]
            t["area"] += a["area"]
            t["vh"] += a["voted_heads"]
            t["va"] += a["voted_area"]
        return {
            estate_id: {
                "closed": totals[estate_id]["closed"],
                "turnout_area": share(totals[estate_id]["va"], totals[estate_id]["area"]),
                "turnout_heads": share(totals[estate_id]["vh"], totals[estate_id]["heads"]),
                "motions_passed": totals[estate_id]["passed"],
                "motions_total": totals[estate_id]["motions"],
                "results_late": totals[estate_id]["late"],
            }
            for estate_id in estate_ids
        }

    def alerts(self, estate_ids: Sequence[int], period: Period):
        page_url = page_url_maker()
        for a in self._assemblies(estate_ids, period):
            if a["late"] and not a["certified"]:
                yield Alert(
                    estate_id=a["estate_id"],
                    key=f"assembly_result_late:{a['pk']}",
                    message=_("「%(title)s」投票已结束，表决结果超过公布期限仍未公布。")
                    % {"title": a["title"]},
                    url=page_url(a["url_path"]),
                    severity="danger",
                )

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        page_url = page_url_maker()
        drill = Drill(
            title=_("%(estate)s · 业主大会") % {"estate": estate.name},
            headings=[
                _("会议"),
                _("投票结束"),
                _("参与率（面积）"),
                _("参与率（人数）"),
                _("通过 / 表决事项"),
                _("结果公布"),
            ],
        )
        for a in self._assemblies([estate.pk], period):
            url = page_url(a["url_path"])
            if a["certified"]:
                published = timezone.localtime(a["certified"]).strftime("%Y-%m-%d")
                status = _("%(date)s 公布（逾期）") if a["late"] else _("%(date)s 公布")
                status = status % {"date": published}
            else:
                status = _("逾期未公布") if a["late"] else _("待公布")
            drill.rows.append(
                [
                    (a["title"], url),
                    (timezone.localtime(a["voting_closes_at"]).strftime("%Y-%m-%d %H:%M"), ""),
                    (format_value(share(a["voted_area"], a["area"]), SHARE), ""),
                    (format_value(share(a["voted_heads"], a["heads"]), SHARE), ""),
                    (f"{a['passed'] or 0} / {a['motions'] or 0}" if a["certified"] else "—", ""),
                    (
                        str(status),
                        reverse("voting:results", args=[a["pk"]]) if a["certified"] else "",
                    ),
                ]
            )
        return drill


def _result_facts(assembly: dict[str, Any], result: dict[str, Any] | None, now) -> dict[str, Any]:
    """Return what the certified result says: passed and total motions, and lateness."""
    closes = assembly["closed_at"] or assembly["voting_closes_at"]
    due = closes + timedelta(days=assembly["result_due_days"]) if closes else None
    if result is None:
        return {
            "certified": None,
            "passed": None,
            "motions": None,
            "late": bool(due and now > due),
        }
    motions = result["snapshot"].get("motions", [])
    passed = sum(
        1 for m in motions if m.get("passed") or (m.get("kind") == "election" and m.get("elected"))
    )
    return {
        "certified": result["certified_at"],
        "passed": passed,
        "motions": len(motions),
        "late": bool(result["overdue"] or (due and result["certified_at"] > due)),
    }
