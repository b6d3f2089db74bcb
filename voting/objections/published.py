"""What the published roll shows (名册公示): each owner's own entries and every member's
view of the aggregates per building, computed from the register exactly as
``voting.roll.freeze_roll`` will freeze it; and the objections that block the freeze.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from portal.community import permissions
from portal.community.models import OwnerIdentity
from voting.choices import AssemblyState
from voting.models import AssemblyPage, RollObjection, RollObjectionOverride, VotingRightUnit
from voting.roll import group_units


@dataclass
class BuildingRow:
    """One building's share of the roll: units, exact area, and heads with a unit in it."""

    building: str
    units: int = 0
    area: Decimal = Decimal("0")
    heads: int = 0


@dataclass
class RollSummary:
    """The roll's aggregates: per building and in total (a head owning in two buildings is
    counted in each building's row, once in the total)."""

    frozen: bool
    buildings: list[BuildingRow] = field(default_factory=list)
    total_units: int = 0
    total_area: Decimal = Decimal("0")
    total_heads: int = 0


@dataclass
class OwnEntry:
    """One head the owner belongs to: its units, their summed area, and who else holds it."""

    units: list[tuple[str, str, Decimal, Any]]  # (building, number, area, unit or None)
    area: Decimal
    co_holders: list[str]


def is_published(assembly: AssemblyPage) -> bool:
    """Return whether the roll is on display: from the notice on (checked, then frozen)."""
    return assembly.state != AssemblyState.DRAFT


def is_open_for_objections(assembly: AssemblyPage) -> bool:
    """Return whether objections may be filed and decided: announced, roll not yet frozen."""
    return assembly.state == AssemblyState.ANNOUNCED


def summary(assembly: AssemblyPage) -> RollSummary:
    """Return the roll's per-building aggregates: the frozen roll if any, else the register now."""
    if assembly.state in (AssemblyState.OPEN, AssemblyState.CLOSED):
        rows: OrderedDict[str, BuildingRow] = OrderedDict()
        heads_in: dict[str, set[int]] = {}
        units = VotingRightUnit.objects.filter(assembly=assembly).order_by("pk")
        for building, area, right_id in units.values_list(
            "building_name", "exclusive_area", "right_id"
        ):
            row = rows.setdefault(building, BuildingRow(building))
            row.units += 1
            row.area += area
            heads_in.setdefault(building, set()).add(right_id)
        result = RollSummary(frozen=True)
        roll = getattr(assembly, "roll", None)
        if roll is not None:
            result.total_units, result.total_area = roll.total_units, roll.total_area
            result.total_heads = roll.total_heads
    else:
        rows = OrderedDict()
        heads_in = {}
        groups = group_units(assembly.page_estate)
        for index, group in enumerate(groups):
            for unit in group.units:
                row = rows.setdefault(unit.building.name, BuildingRow(unit.building.name))
                row.units += 1
                row.area += unit.exclusive_area
                heads_in.setdefault(unit.building.name, set()).add(index)
        result = RollSummary(frozen=False)
        result.total_heads = len(groups)
        result.total_units = sum(r.units for r in rows.values())
        result.total_area = sum((r.area for r in rows.values()), Decimal("0"))
    for name, row in rows.items():
        row.heads = len(heads_in[name])
    result.buildings = list(rows.values())
    return result


def own_identity(user: Any, assembly: AssemblyPage) -> OwnerIdentity | None:
    """Return the user's register identity in the assembly's estate (a verified owner's)."""
    if not permissions.is_verified_owner(user, assembly.page_estate):
        return None
    return (
        OwnerIdentity.objects.filter(
            estate=assembly.page_estate, user=user, ownerships__ended_at__isnull=True
        )
        .distinct()
        .first()
    )


def own_entries(user: Any, assembly: AssemblyPage) -> list[OwnEntry]:
    """Return the heads the user belongs to, as frozen or as the register would freeze them."""
    if assembly.state in (AssemblyState.OPEN, AssemblyState.CLOSED):
        entries = []
        rights = (
            assembly.rights.filter(holders__user=user)
            .distinct()
            .prefetch_related("holders", "units")
        )
        for right in rights:
            units = [
                (u.building_name, u.unit_number, u.exclusive_area, None) for u in right.units.all()
            ]
            others = [h.masked_name for h in right.holders.all() if h.user_id != user.pk]
            entries.append(OwnEntry(units, right.area, others))
        return entries
    identity = own_identity(user, assembly)
    if identity is None:
        return []
    entries = []
    for group in group_units(assembly.page_estate):
        if identity.pk not in {h.pk for h in group.holders if h}:
            continue
        units = [(u.building.name, u.number, u.exclusive_area, u) for u in group.units]
        others = [h.masked_name for h in group.holders if h and h.pk != identity.pk]
        entries.append(
            OwnEntry(units, sum((u.exclusive_area for u in group.units), Decimal("0")), others)
        )
    return entries


def blocking_objections(assembly: AssemblyPage) -> QuerySet[RollObjection]:
    """Return the undecided objections that keep the roll from freezing.

    Those filed after the committee's latest override; all undecided ones if it never overrode.
    """
    undecided = RollObjection.objects.filter(assembly=assembly, decision__isnull=True)
    override = (
        RollObjectionOverride.objects.filter(assembly=assembly).order_by("-at", "-pk").first()
    )
    if override is not None:
        undecided = undecided.filter(filed_at__gt=override.at)
    return undecided
