"""Notice figures for the officials' dashboard: what was published and how much was read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.community.models import Unit
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
    week_index,
)
from portal.dashboard.period import Period
from portal.notices.models import Acknowledgement, NoticePage


class NoticeFigures(FigureSource):
    key = "notices"
    title = _("公告与已读回执")
    columns = (
        Column("published", _("发布公告"), COUNT, drill=True),
        Column("needs_ack", _("需回执"), COUNT, drill=True),
        Column(
            "ack_rate",
            _("回执率"),
            SHARE,
            drill=True,
            help=_("需回执公告中，已确认的房屋占通知范围内房屋的比例（按户计）。"),
        ),
    )

    def _notices(self, estate_ids: Sequence[int], period: Period):
        paths = estate_page_paths(estate_ids)
        prefix, _length = estate_of_path(paths)
        rows = list(
            NoticePage.objects.filter(
                first_published_at__gte=period.start, first_published_at__lt=period.end
            )
            .annotate(estate_path=prefix)
            .filter(estate_path__in=list(paths))
            .values("pk", "title", "url_path", "estate_path", "requires_acknowledgement")
            .annotate(building_count=Count("buildings"))
        )
        for row in rows:
            row["estate_id"] = paths[row["estate_path"]]
        return rows

    def _acknowledgement_counts(self, notices: list[dict[str, Any]]) -> dict[int, tuple[int, int]]:
        """Return {notice id: (acknowledged units, units in scope)} in three queries."""
        ack = [n for n in notices if n["requires_acknowledgement"]]
        if not ack:
            return {}
        ids = [n["pk"] for n in ack]
        scoped = dict(
            NoticePage.buildings.through.objects.filter(noticepage_id__in=ids)
            .values("noticepage_id")
            .annotate(units=Count("building__units"))
            .values_list("noticepage_id", "units")
        )
        estate_units = dict(
            Unit.objects.filter(building__estate_id__in={n["estate_id"] for n in ack})
            .values("building__estate_id")
            .annotate(units=Count("pk"))
            .values_list("building__estate_id", "units")
        )
        read = dict(
            Acknowledgement.objects.filter(notice_id__in=ids)
            .values("notice_id")
            .annotate(units=Count("unit_id", distinct=True))
            .values_list("notice_id", "units")
        )
        return {
            n["pk"]: (
                read.get(n["pk"], 0),
                scoped.get(n["pk"], 0)
                if n["building_count"]
                else estate_units.get(n["estate_id"], 0),
            )
            for n in ack
        }

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        notices = self._notices(estate_ids, period)
        counts = self._acknowledgement_counts(notices)
        totals: dict[int, dict[str, int]] = defaultdict(
            lambda: {"published": 0, "needs_ack": 0, "read": 0, "scope": 0}
        )
        for n in notices:
            t = totals[n["estate_id"]]
            t["published"] += 1
            if n["requires_acknowledgement"]:
                t["needs_ack"] += 1
                read, scope = counts[n["pk"]]
                t["read"] += read
                t["scope"] += scope
        return {
            estate_id: {
                "published": totals[estate_id]["published"],
                "needs_ack": totals[estate_id]["needs_ack"],
                "ack_rate": share(totals[estate_id]["read"], totals[estate_id]["scope"]),
            }
            for estate_id in estate_ids
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        notices = self._notices([estate.pk], period)
        if column != "published":
            notices = [n for n in notices if n["requires_acknowledgement"]]
        counts = self._acknowledgement_counts(notices)
        drill = Drill(
            title=_("%(estate)s · 公告") % {"estate": estate.name},
            headings=[_("公告"), _("已确认 / 范围内户数"), _("回执率")],
        )
        page_url = page_url_maker()
        for n in sorted(notices, key=lambda n: n["pk"], reverse=True):
            url = page_url(n["url_path"])
            if n["pk"] in counts:
                read, scope = counts[n["pk"]]
                rate = format_value(share(read, scope), SHARE)
                drill.rows.append(
                    [
                        (n["title"], url),
                        (f"{read} / {scope}", f"{url}acknowledgements/"),
                        (rate, ""),
                    ]
                )
            else:
                drill.rows.append([(n["title"], url), (str(_("无需回执")), ""), ("—", "")])
        return drill

    def weekly(self, estate_ids: Sequence[int], period: Period) -> dict[str, list[float]]:
        weeks = period.weeks()
        series = [0.0] * len(weeks)

        paths = estate_page_paths(estate_ids)
        prefix, _length = estate_of_path(paths)
        for published in (
            NoticePage.objects.filter(
                first_published_at__gte=period.start, first_published_at__lt=period.end
            )
            .annotate(estate_path=prefix)
            .filter(estate_path__in=list(paths))
            .values_list("first_published_at", flat=True)
        ):
            index = week_index(weeks, published)
            if index is not None:
                series[index] += 1
        return {str(_("发布公告")): series}
