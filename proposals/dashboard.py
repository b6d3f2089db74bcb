"""The officials' dashboard table for owners' proposals: which reached the threshold, and
whether the committee or property company answered them in time (rules.answered_in_time:
exactly at the deadline is in time). Counted in SQL, one query for all estates.

A hidden proposal (proposals.visibility) counts in none of the figures, alerts or drill-downs
while it is hidden: owners cannot read it, the committee cannot answer it
(actions.answer_proposal refuses), and the drill-down and alerts would carry its title to
officials' pages and notices. Its deadline is not moved, though: restored, it counts again
with its original deadline, overdue if that has passed, so hiding a proposal is never a way
for a committee that also moderates to escape the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dashboard.figures import COUNT, SHARE, Alert, Column, Drill, FigureSource, share
from portal.dashboard.period import Period
from proposals.models import Proposal


def in_time_q() -> Q:
    return Q(answered_at__isnull=False, answered_at__lte=F("answer_due_at"))


def late_q() -> Q:
    return Q(answered_at__isnull=False, answered_at__gt=F("answer_due_at"))


def overdue_q(now: datetime) -> Q:
    return Q(answered_at__isnull=True, answer_due_at__lt=now)


def pending_q(now: datetime) -> Q:
    return Q(answered_at__isnull=True, answer_due_at__gte=now)


def reached_in(estate_ids: Sequence[int], period: Period) -> QuerySet[Proposal]:
    """Return the shown proposals that reached their threshold in the period."""
    return Proposal.objects.shown().filter(
        estate_id__in=estate_ids,
        reached_at__isnull=False,
        reached_at__gte=period.start,
        reached_at__lt=period.end,
    )


class ProposalFigures(FigureSource):
    key = "proposals"
    title = _("业主提案")
    columns = (
        Column(
            "reached",
            _("达到支持门槛"),
            COUNT,
            drill=True,
            help=_("期间内支持人数达到门槛、须由业委会或物业公开答复的提案。"),
        ),
        Column("in_time", _("按时答复"), COUNT, drill=True),
        Column("late", _("逾期后答复"), COUNT, drill=True),
        Column(
            "overdue",
            _("逾期未答复"),
            COUNT,
            drill=True,
            help=_("已过答复期限（默认达到门槛后 15 天）仍未答复的提案。"),
        ),
        Column("in_time_share", _("按时答复率"), SHARE),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        now = timezone.now()
        rows = {
            row["estate_id"]: row
            for row in reached_in(estate_ids, period)
            .values("estate_id")
            .annotate(
                reached=Count("pk"),
                in_time=Count("pk", filter=in_time_q()),
                late=Count("pk", filter=late_q()),
                overdue=Count("pk", filter=overdue_q(now)),
            )
        }
        result = {}
        for pk in estate_ids:
            row = rows.get(pk, {})
            reached = row.get("reached", 0)
            in_time = row.get("in_time", 0)
            due = in_time + row.get("late", 0) + row.get("overdue", 0)
            result[pk] = {
                "reached": reached,
                "in_time": in_time,
                "late": row.get("late", 0),
                "overdue": row.get("overdue", 0),
                # Of the proposals whose deadline has passed or that were answered.
                "in_time_share": share(in_time, due),
            }
        return result

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        now = timezone.now()
        proposals = reached_in([estate.pk], period)
        filters = {"in_time": in_time_q(), "late": late_q(), "overdue": overdue_q(now)}
        if column in filters:
            proposals = proposals.filter(filters[column])
        drill = Drill(
            title=_("%(estate)s · 业主提案") % {"estate": estate.name},
            headings=[_("提案"), _("达到门槛"), _("应答复"), _("答复")],
        )
        for proposal in proposals.order_by("reached_at"):
            if proposal.answered_at:
                state = _("%(kind)s（%(date)s%(late)s）") % {
                    "kind": proposal.get_status_display(),
                    "date": timezone.localtime(proposal.answered_at).strftime("%Y-%m-%d"),
                    "late": "" if proposal.answered_in_time() else _("，逾期"),
                }
            else:
                state = _("逾期未答复") if proposal.is_overdue(now) else _("待答复")
            drill.rows.append(
                [
                    (proposal.title, proposal.get_absolute_url()),
                    (timezone.localtime(proposal.reached_at).strftime("%Y-%m-%d"), ""),
                    (timezone.localtime(proposal.answer_due_at).strftime("%Y-%m-%d"), ""),
                    (str(state), ""),
                ]
            )
        return drill

    def alerts(self, estate_ids: Sequence[int], period: Period):
        now = timezone.now()
        overdue = Proposal.objects.shown().filter(estate_id__in=estate_ids).filter(overdue_q(now))
        for proposal in overdue:
            yield Alert(
                estate_id=proposal.estate_id,
                key=f"proposal_answer_overdue:{proposal.pk}",
                message=str(
                    _("业主提案「%(title)s」已过答复期限，业委会或物业尚未公开答复。")
                    % {"title": proposal.title}
                ),
                url=proposal.get_absolute_url(),
                notify=False,  # proposals.tasks reminds the parties itself
            )
