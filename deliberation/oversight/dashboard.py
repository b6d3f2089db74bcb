"""The officials' dashboard table for action items and joint meetings, with drill-downs and
overdue alerts. The counting itself lives in metrics.py (one query per figure family)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deliberation.oversight.metrics import action_item_figures, local_bounds, meetings_held
from deliberation.oversight.models import ActionItem, JointMeeting, local_today
from deliberation.oversight.models.action_items import done_q, overdue_q
from portal.community.models import Estate
from portal.dashboard.figures import (
    COUNT,
    Alert,
    Column,
    Drill,
    FigureSource,
    url_former,
    weekly_counts,
)
from portal.dashboard.period import Period


class OversightFigures(FigureSource):
    key = "oversight"
    title = _("督办事项与联席会议")
    columns = (
        Column(
            "opened",
            _("新立督办"),
            COUNT,
            drill=True,
            help=_("期间内新立的督办事项；其后三列是它们今天的状态，三者相加等于新立数。"),
        ),
        Column("done", _("其中已完成"), COUNT, drill=True),
        Column("open", _("其中进行中（未逾期）"), COUNT, drill=True),
        Column(
            "overdue",
            _("其中已逾期"),
            COUNT,
            drill=True,
            help=_("期间内新立、至今未完成且已过完成期限（北京时间）的督办事项。"),
        ),
        Column(
            "extended",
            _("曾延期"),
            COUNT,
            drill=True,
            help=_("期间内新立、完成期限被推迟过至少一次的督办事项（每次延期的原因见事项页）。"),
        ),
        Column("meetings", _("召开联席会议"), COUNT, drill=True),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        estates = Estate.objects.filter(pk__in=estate_ids)
        items = action_item_figures(estates, period.first, period.last)
        meetings = meetings_held(estates, period.first, period.last)
        return {
            pk: {
                "opened": items[pk].opened if pk in items else 0,
                "done": items[pk].done if pk in items else 0,
                "open": items[pk].open if pk in items else 0,
                "overdue": items[pk].overdue if pk in items else 0,
                "extended": items[pk].extended if pk in items else 0,
                "meetings": meetings.get(pk, 0),
            }
            for pk in estate_ids
        }

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        since, until = local_bounds(period.first, period.last)
        if column == "meetings":
            drill = Drill(
                title=_("%(estate)s · 联席会议") % {"estate": estate.name},
                headings=[_("会议"), _("时间"), _("状态")],
            )
            for meeting in JointMeeting.objects.filter(
                estate=estate, starts_at__gte=since, starts_at__lt=until
            ).order_by("-starts_at"):
                url = reverse("oversight:meeting_detail", args=[estate.slug, meeting.pk])
                drill.rows.append(
                    [
                        (meeting.title, url),
                        (f"{meeting.starts_at:%Y-%m-%d}", ""),
                        (str(meeting.get_state_display()), ""),
                    ]
                )
            return drill
        today = local_today()
        # The same population as the figures: the items opened in the period, by status today.
        items = ActionItem.objects.filter(
            estate=estate, created_at__gte=since, created_at__lt=until
        ).with_status(today)
        if column == "done":
            items = items.filter(done_q())
        elif column == "overdue":
            items = items.filter(overdue_q(today))
        elif column == "open":
            items = items.exclude(done_q()).exclude(overdue_q(today))
        elif column == "extended":
            items = items.filter(changes__to_due_date__gt=F("changes__from_due_date")).distinct()
        drill = Drill(
            title=_("%(estate)s · 督办事项") % {"estate": estate.name},
            headings=[_("事项"), _("责任方"), _("完成期限"), _("进度"), _("状态")],
        )
        for item in items.order_by("due_date"):
            url = reverse("oversight:item_detail", args=[estate.slug, item.pk])
            drill.rows.append(
                [
                    (item.title, url),
                    (str(item.get_responsible_party_display()), ""),
                    (f"{item.due_date:%Y-%m-%d}", ""),
                    (f"{item.progress}%", ""),
                    (str(item.status_label), ""),
                ]
            )
        return drill

    def weekly(self, estate_ids: Sequence[int], period: Period) -> dict[str, list[float]]:
        since, until = local_bounds(period.first, period.last)
        items = ActionItem.objects.filter(estate_id__in=estate_ids)
        weeks = period.weeks()
        return {
            str(_("新立督办")): weekly_counts(
                weeks,
                items.filter(created_at__gte=since, created_at__lt=until).values_list(
                    "created_at", flat=True
                ),
            ),
            str(_("完成督办")): weekly_counts(
                weeks,
                items.filter(completed_at__gte=since, completed_at__lt=until).values_list(
                    "completed_at", flat=True
                ),
            ),
        }

    def alerts(self, estate_ids: Sequence[int], period: Period):
        """Every action item overdue today, whenever it was opened."""
        today = local_today()
        item_url = url_former("oversight:item_detail", "ESTATE", 987654321)
        # Translated once, not per item (get_responsible_party_display() reads these labels).
        message = str(_("%(estate)s：督办事项「%(title)s」已逾期 %(days)s 天（责任方：%(party)s）"))
        field = ActionItem._meta.get_field("responsible_party")
        parties = {value: str(label) for value, label in field.flatchoices}
        for item in (
            ActionItem.objects.filter(estate_id__in=estate_ids)
            .filter(overdue_q(today))
            .select_related("estate")
            # What the alert says, and no more: a district can have hundreds overdue.
            .only(
                "estate__name",
                "estate__slug",
                "title",
                "due_date",
                "state",
                "responsible_party",
            )
            .order_by("due_date")
        ):
            days = item.days_overdue(today)
            yield Alert(
                estate_id=item.estate_id,
                key=f"action_item_overdue:{item.pk}",
                message=message
                % {
                    "estate": item.estate.name,
                    "title": item.title,
                    "days": days,
                    "party": parties.get(item.responsible_party, item.responsible_party),
                },
                url=item_url(item.estate.slug, item.pk),
                severity="danger" if days > 7 else "warning",
                # The oversight app's own daily reminder already tells these people.
                notify=False,
            )
