"""Who a notice concerns: the units in its scope, their owners and residents, and who has read it.

Scope is by unit. A member is in scope through a unit they own (a current ownership linked
to their account) or live in (an active resident role); staff roles alone put nobody in scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from portal.community.choices import Visibility
from portal.community.membership import (
    lived_in_by_any,
    member_units,
    owned_by_any,
    users_of_units,
)
from portal.community.models import Unit
from portal.notices.models import Acknowledgement


def scoped_units(notice: Any) -> QuerySet[Unit]:
    """Return the units a notice concerns: its buildings, or the whole estate."""
    units = Unit.objects.filter(building__estate=notice.page_estate)
    building_ids = [b.pk for b in notice.buildings.all()]
    if building_ids:
        units = units.filter(building_id__in=building_ids)
    return units


def unit_in_scope(user: Any, notice: Any, units: Iterable[Unit] | None = None) -> Unit | None:
    """Return the first of the user's units that the notice concerns, or None.

    `units`: the user's units in the notice's estate (member_units), when the caller has
    read them already, as a list of notices of one estate does.
    """
    building_ids = {b.pk for b in notice.buildings.all()}
    if units is None:
        units = member_units(user, notice.page_estate)
    for unit in units:
        if not building_ids or unit.building_id in building_ids:
            return unit
    return None


def users_in_scope(notice: Any) -> QuerySet:
    """Return everyone a notice should reach; an owners-only notice reaches owners only."""
    return users_of_units(scoped_units(notice), owners_only=notice.visibility == Visibility.OWNERS)


def _with_acknowledged_flags(notice: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with whether any of its owners or residents acknowledged."""
    readers = Acknowledgement.objects.filter(notice_id=notice.pk).values("user_id")
    return units.annotate(
        read_by_owner=owned_by_any(readers),
        read_by_resident=lived_in_by_any(readers),
    )


def pending_units(notice: Any) -> QuerySet[Unit]:
    """Return the units in scope that nobody has acknowledged yet."""
    return _with_acknowledged_flags(notice, scoped_units(notice)).filter(
        read_by_owner=False, read_by_resident=False
    )


@dataclass
class BuildingRate:
    building_name: str
    total: int = 0
    acknowledged: int = 0

    @property
    def percent(self) -> float:
        """Return the share acknowledged in percent, for display only (rounded)."""
        return round(100 * self.acknowledged / self.total, 1) if self.total else 0.0


@dataclass
class AcknowledgementReport:
    """Acknowledgement by unit: a unit counts once any owner or resident of it has read."""

    overall: BuildingRate
    buildings: list[BuildingRate] = field(default_factory=list)
    pending: list[Unit] = field(default_factory=list)
    acknowledgements: list = field(default_factory=list)


def acknowledgement_report(notice: Any) -> AcknowledgementReport:
    """Return the rate overall and per building and the units not yet acknowledged (2 queries)."""
    units = _with_acknowledged_flags(notice, scoped_units(notice)).select_related("building")
    overall = BuildingRate(building_name="")
    by_building: dict[int, BuildingRate] = {}
    pending: list[Unit] = []
    for unit in units.order_by("building__sort_key", "building__name", "floor", "number"):
        rate = by_building.setdefault(unit.building_id, BuildingRate(unit.building.name))
        read = unit.read_by_owner or unit.read_by_resident
        rate.total += 1
        overall.total += 1
        if read:
            rate.acknowledged += 1
            overall.acknowledged += 1
        else:
            pending.append(unit)
    acknowledgements = list(
        Acknowledgement.objects.filter(notice_id=notice.pk)
        .select_related("user", "unit__building")
        .order_by("at")
    )
    return AcknowledgementReport(
        overall=overall,
        buildings=list(by_building.values()),
        pending=pending,
        acknowledgements=acknowledgements,
    )
