"""Petition figures for the officials' dashboard: petitions gathering signatures, waiting for
the committee to convene, and escalated because the committee let its deadline pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dashboard.figures import COUNT, Alert, Column, Drill, FigureSource
from portal.dashboard.period import Period
from voting.petitions import visibility
from voting.petitions.choices import PetitionState
from voting.petitions.models import Petition


def _petitions(estate_ids: Sequence[int]) -> list[Petition]:
    return list(
        Petition.objects.filter(estate_id__in=estate_ids)
        .select_related("estate")
        .prefetch_related("events", "moderations")
        .order_by("-created_at", "-pk")
    )


class PetitionFigures(FigureSource):
    """Per estate: petitions open, waiting for a meeting, and overdue (escalated)."""

    key = "petitions"
    title = _("临时会议提议")
    columns = (
        Column("open", _("征集签名中"), COUNT, drill=True),
        Column("waiting", _("已达比例待召集"), COUNT, drill=True),
        Column(
            "overdue",
            _("逾期未召集"),
            COUNT,
            drill=True,
            help=_("已达到法定比例、业主委员会超过期限仍未发布临时会议公告的提议。"),
        ),
        Column("announced", _("已召集"), COUNT, drill=True),
    )

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        now = timezone.now()
        figures: dict[int, dict[str, Any]] = defaultdict(
            lambda: {"open": 0, "waiting": 0, "overdue": 0, "announced": 0}
        )
        for petition in _petitions(estate_ids):
            row = figures[petition.estate_id]
            state = petition.state
            if state == PetitionState.OPEN:
                row["open"] += 1
            elif state == PetitionState.ANNOUNCED:
                row["announced"] += 1
            elif petition.announce_overdue(now):
                row["overdue"] += 1
            elif state in (PetitionState.REACHED, PetitionState.ESCALATED):
                row["waiting"] += 1
        return {pk: figures[pk] for pk in estate_ids}

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        now = timezone.now()
        drill = Drill(
            title=_("%(estate)s · 临时会议提议") % {"estate": estate.name},
            headings=[_("提议事项"), _("状态"), _("发起时间"), _("召集期限")],
        )
        for petition in _petitions([estate.pk]):
            state = petition.state
            overdue = petition.announce_overdue(now)
            keep = {
                "open": state == PetitionState.OPEN,
                "announced": state == PetitionState.ANNOUNCED,
                "overdue": overdue,
                "waiting": state in (PetitionState.REACHED, PetitionState.ESCALATED)
                and not overdue,
            }.get(column, True)
            if not keep:
                continue
            due = petition.announce_due_at
            drill.rows.append(
                [
                    (visibility.shown_title(petition), petition.get_absolute_url()),
                    (petition.get_state_display(), ""),
                    (timezone.localtime(petition.created_at).strftime("%Y-%m-%d"), ""),
                    (timezone.localtime(due).strftime("%Y-%m-%d") if due else "—", ""),
                ]
            )
        return drill

    def alerts(self, estate_ids: Sequence[int], period: Period):
        now = timezone.now()
        for petition in _petitions(estate_ids):
            if petition.announce_overdue(now):
                yield Alert(
                    estate_id=petition.estate_id,
                    key=f"petition_overdue:{petition.pk}",
                    message=_(
                        "「%(title)s」已达到法定比例，业主委员会逾期未召集临时会议："
                        "街道应责令限期召集，居委会可以组织召开。"
                    )
                    % {"title": visibility.shown_title(petition)},
                    url=petition.get_absolute_url(),
                    severity="danger",
                    notify=False,  # the petitions' own sweep already told the officials
                )
