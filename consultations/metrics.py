"""Consultation figures for the officials' dashboard: how many took part, and whether the
committee published how it handled the opinions (意见采纳情况) in time.

Participation is responses over the audience as it stands now (verified owners, or owners
and residents with an account): the register of who could have answered is not frozen the
way an electoral roll is, so this is the honest approximation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.choices import Audience
from consultations.models import ConsultationPage, Response, ResponseReport
from portal.community.choices import RoleKind
from portal.community.models import Role
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


def report_due_days() -> int:
    """Days after the close by which the response report should be out (default 15)."""
    return getattr(settings, "GONGZHI_CONSULTATION_REPORT_DAYS", 15)


class ConsultationFigures(FigureSource):
    key = "consultations"
    title = _("征求意见")
    columns = (
        Column("closed", _("已截止"), COUNT, drill=True),
        Column("responses", _("参与人次"), COUNT, drill=True),
        Column(
            "participation",
            _("参与率"),
            SHARE,
            drill=True,
            help=_("参与人次占征求对象（已认证业主，或业主和住户）的比例。"),
        ),
        Column("reported", _("已公布采纳情况"), COUNT, drill=True),
        Column(
            "report_overdue",
            _("采纳情况逾期未公布"),
            COUNT,
            drill=True,
            help=_("截止后超过规定天数（默认 15 天）仍未公布意见采纳情况的征求意见数。"),
        ),
    )

    @read_once
    def _consultations(self, estate_ids: Sequence[int], period: Period) -> list[dict[str, Any]]:
        paths = estate_page_paths(estate_ids)
        prefix, _length = estate_of_path(paths)
        now = timezone.now()
        rows = list(
            ConsultationPage.objects.filter(
                live=True, closes_at__gte=period.start, closes_at__lt=period.end, closes_at__lte=now
            )
            .annotate(estate_path=prefix)
            .filter(estate_path__in=list(paths))
            .values("pk", "title", "url_path", "estate_path", "closes_at", "audience")
        )
        ids = [r["pk"] for r in rows]
        responses = dict(
            Response.objects.filter(consultation_id__in=ids)
            .values("consultation_id")
            .annotate(n=Count("pk"))
            .values_list("consultation_id", "n")
        )
        reports = dict(
            ResponseReport.objects.filter(consultation_id__in=ids).values_list(
                "consultation_id", "published_at"
            )
        )
        audiences = _audience_sizes({paths[r["estate_path"]] for r in rows})
        due_days = timedelta(days=report_due_days())
        for r in rows:
            r["estate_id"] = paths[r["estate_path"]]
            r["responses"] = responses.get(r["pk"], 0)
            r["audience_size"] = audiences.get((r["estate_id"], r["audience"]), 0)
            r["reported_at"] = reports.get(r["pk"])
            due = r["closes_at"] + due_days
            r["overdue"] = (r["reported_at"] or now) > due
        return rows

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        totals: dict[int, dict[str, int]] = defaultdict(
            lambda: {"closed": 0, "responses": 0, "audience": 0, "reported": 0, "late": 0}
        )
        for r in self._consultations(estate_ids, period):
            t = totals[r["estate_id"]]
            t["closed"] += 1
            t["responses"] += r["responses"]
            t["audience"] += r["audience_size"]
            t["reported"] += r["reported_at"] is not None
            t["late"] += r["reported_at"] is None and r["overdue"]
        return {
            pk: {
                "closed": totals[pk]["closed"],
                "responses": totals[pk]["responses"],
                "participation": share(totals[pk]["responses"], totals[pk]["audience"]),
                "reported": totals[pk]["reported"],
                "report_overdue": totals[pk]["late"],
            }
            for pk in estate_ids
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        page_url = page_url_maker()
        drill = Drill(
            title=_("%(estate)s · 征求意见") % {"estate": estate.name},
            headings=[_("征求意见"), _("截止时间"), _("参与"), _("参与率"), _("采纳情况")],
        )
        for r in self._consultations([estate.pk], period):
            url = page_url(r["url_path"])
            if r["reported_at"]:
                status = _("%(date)s 公布") % {
                    "date": timezone.localtime(r["reported_at"]).strftime("%Y-%m-%d")
                }
                status_url = f"{url}report/"
            else:
                status = _("逾期未公布") if r["overdue"] else _("待公布")
                status_url = ""
            drill.rows.append(
                [
                    (r["title"], url),
                    (timezone.localtime(r["closes_at"]).strftime("%Y-%m-%d"), ""),
                    (f"{r['responses']} / {r['audience_size']}", ""),
                    (format_value(share(r["responses"], r["audience_size"]), SHARE), ""),
                    (str(status), status_url),
                ]
            )
        return drill

    def alerts(self, estate_ids: Sequence[int], period: Period):
        page_url = page_url_maker()
        for r in self._consultations(estate_ids, period):
            if r["reported_at"] is None and r["overdue"]:
                yield Alert(
                    estate_id=r["estate_id"],
                    key=f"consultation_report_overdue:{r['pk']}",
                    message=str(
                        _("「%(title)s」已截止超过 %(days)s 天，尚未公布意见采纳情况。")
                        % {"title": r["title"], "days": report_due_days()}
                    ),
                    url=page_url(r["url_path"]),
                )


def _audience_sizes(estate_ids: set[int]) -> dict[tuple[int, str], int]:
    """Return {(estate id, audience value): accounts in that audience} in two queries."""
    sizes: dict[tuple[int, str], int] = {}
    roles = Role.objects.active().filter(estate_id__in=estate_ids)
    owners = dict(
        roles.filter(kind=RoleKind.OWNER)
        .values("estate_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("estate_id", "n")
    )
    members = dict(
        roles.filter(kind__in=(RoleKind.OWNER, RoleKind.RESIDENT))
        .values("estate_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("estate_id", "n")
    )
    for estate_id in estate_ids:
        sizes[(estate_id, Audience.OWNERS)] = owners.get(estate_id, 0)
        sizes[(estate_id, Audience.RESIDENTS)] = members.get(estate_id, 0)
    return sizes
