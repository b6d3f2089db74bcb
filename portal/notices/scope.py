"""Who a notice concerns: the units in its scope, their owners and residents, and who has read it.

Scope is by unit. A member is in scope through a unit they own (a current ownership linked
to their account) or live in (an active resident role); staff roles alone put nobody in scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.community.choices import RoleKind, Visibility
from portal.community.models import Estate, Ownership, Role, Unit


def scoped_units(notice: Any) -> QuerySet[Unit]:
    """Return the units a notice concerns: its buildings, or the whole estate."""
    units = Unit.objects.filter(building__estate=notice.page_estate)
    building_ids = [b.pk for b in notice.buildings.all()]
    if building_ids:
        units = units.filter(building_id__in=building_ids)
    return units


def member_units(user: Any, estate: Estate) -> QuerySet[Unit]:
    """Return the units of the estate the user owns or lives in."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    owned = Ownership.objects.filter(
        identity__user=user, identity__estate=estate, ended_at__isnull=True
    ).values("unit_id")
    lived_in = (
        Role.objects.active()
        .filter(user=user, estate=estate, kind=RoleKind.RESIDENT, unit__isnull=False)
        .values("unit_id")
    )
    return (
        Unit.objects.filter(Q(pk__in=owned) | Q(pk__in=lived_in))
        .select_related("building")
        .order_by("building__sort_key", "building__name", "floor", "number")
    )


def unit_in_scope(user: Any, notice: Any) -> Unit | None:
    """Return the first of the user's units that the notice concerns, or None."""
    building_ids = {b.pk for b in notice.buildings.all()}
    for unit in member_units(user, notice.page_estate):
        if not building_ids or unit.building_id in building_ids:
            return unit
    return None


def users_of_units(units: QuerySet[Unit], *, owners_only: bool = False) -> QuerySet:
    """Return the active accounts of the owners (and, unless owners_only, residents) of units."""
    owners = Ownership.objects.filter(
        unit__in=units, ended_at__isnull=True, identity__user__isnull=False
    ).values("identity__user_id")
    condition = Q(pk__in=owners)
    if not owners_only:
        residents = (
            Role.objects.active().filter(kind=RoleKind.RESIDENT, unit__in=units).values("user_id")
        )
        condition |= Q(pk__in=residents)
    return get_user_model().objects.filter(condition, is_active=True)


def users_in_scope(notice: Any) -> QuerySet:
    """Return everyone a notice should reach; an owners-only notice reaches owners only."""
    return users_of_units(scoped_units(notice), owners_only=notice.visibility == Visibility.OWNERS)


def _with_acknowledged_flags(notice: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with whether any of its owners or residents acknowledged."""
    from portal.notices.models import Acknowledgement

    readers = Acknowledgement.objects.filter(notice_id=notice.pk).values("user_id")
    return units.annotate(
        read_by_owner=Exists(
            Ownership.objects.filter(
                unit=OuterRef("pk"), ended_at__isnull=True, identity__user_id__in=readers
            )
        ),
        read_by_resident=Exists(
            Role.objects.active().filter(
                kind=RoleKind.RESIDENT, unit=OuterRef("pk"), user_id__in=readers
            )
        ),
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
    from portal.notices.models import Acknowledgement

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
