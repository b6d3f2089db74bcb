"""Assembly figures for the officials' dashboard: meetings held and how many owners took part.

Turnout here is the share of the frozen roll (by area and by heads) that cast any ballot in
the meeting; per-motion participation, outcomes and the result notice come from the tally.
Choice counts never appear before the close, so only closed meetings are measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from portal.dashboard.figures import (
    COUNT,
    SHARE,
    Column,
    Drill,
    FigureSource,
    estate_of_path,
    estate_page_paths,
    format_value,
    page_url_maker,
    share,
)
from portal.dashboard.period import Period
from voting.choices import AssemblyState


class AssemblyFigures(FigureSource):
    key = "assemblies"
    title = _("业主大会")
    columns = (
        Column("closed", _("已结束的会议"), COUNT, drill=True),
        Column("turnout_area", _("参与率（面积）"), SHARE, drill=True),
        Column("turnout_heads", _("参与率（人数）"), SHARE, drill=True),
    )

    def _assemblies(self, estate_ids: Sequence[int], period: Period) -> list[dict[str, Any]]:
        from voting.models import AssemblyPage, Ballot, VotingRight

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
            .values("pk", "title", "url_path", "estate_path", "voting_closes_at")
        )
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
        return assemblies

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        totals: dict[int, dict[str, Any]] = defaultdict(
            lambda: {"closed": 0, "heads": 0, "area": Decimal(0), "vh": 0, "va": Decimal(0)}
        )
        for a in self._assemblies(estate_ids, period):
            t = totals[a["estate_id"]]
            t["closed"] += 1
            t["heads"] += a["heads"]
            t["area"] += a["area"]
            t["vh"] += a["voted_heads"]
            t["va"] += a["voted_area"]
        return {
            estate_id: {
                "closed": totals[estate_id]["closed"],
                "turnout_area": share(totals[estate_id]["va"], totals[estate_id]["area"]),
                "turnout_heads": share(totals[estate_id]["vh"], totals[estate_id]["heads"]),
            }
            for estate_id in estate_ids
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        page_url = page_url_maker()
        drill = Drill(
            title=_("%(estate)s · 业主大会") % {"estate": estate.name},
            headings=[_("会议"), _("投票结束"), _("参与率（面积）"), _("参与率（人数）")],
        )
        for a in self._assemblies([estate.pk], period):
            from django.utils import timezone

            drill.rows.append(
                [
                    (a["title"], page_url(a["url_path"])),
                    (timezone.localtime(a["voting_closes_at"]).strftime("%Y-%m-%d %H:%M"), ""),
                    (format_value(share(a["voted_area"], a["area"]), SHARE), ""),
                    (format_value(share(a["voted_heads"], a["heads"]), SHARE), ""),
                ]
            )
        return drill
