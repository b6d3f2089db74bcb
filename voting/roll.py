"""Build and freeze the electoral roll (投票权登记) of an assembly.

SPC interpretation Art. 9 (heads): one unit counts as one person, except that all units
of the same buyer count as one person, and all the developer's unsold or undelivered
units count as one person together. SPC interpretation Art. 8 (area): the unit's
registered exclusive area (the register already holds the area by precedence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.community import audit
from portal.community.choices import IdentityKind, UnitState
from portal.community.models import OwnerIdentity, Ownership, Unit
from voting.choices import RightKind
from voting.ledger.chain import roll_document, roll_hash
from voting.ledger.store import stored_roll_hash
from voting.models import AssemblyPage, ElectoralRoll, VotingRight, VotingRightUnit


@dataclass
class _Group:
    kind: str
    holders: list[OwnerIdentity] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class HeadRow:
    """One head (SPC Art. 9) as ids and its exact area: what counting needs, read lean."""

    kind: str
    holder_ids: tuple[int, ...]
    unit_ids: tuple[int, ...]
    area: Decimal


def head_rows(estate) -> list[HeadRow]:
    """Return the estate's units grouped into heads (SPC Art. 9), in register order.

    - Units the developer still holds (unsold, or sold but undelivered), and units
      registered to the developer identity, form ONE head.
    - Every other unit goes to the head of the exact set of person identities that
      currently own it, so a buyer of three flats is one head; co-owners of a flat
      (spouses) are one head for that flat.
    - A unit with no current owner in the register is still a head of its own:
      the denominators of Civil Code Art. 278 are all owners and all area.
    Tenants are never in the register, so they never form a head.

    This is the one definition of the grouping. It reads ids and areas only (no model
    instances): petitions and proposals count heads on every signature, support and page
    view, and building ~1,400 Unit objects per count was most of that cost.
    """
    units = (
        Unit.objects.filter(building__estate=estate)
        .order_by("building__sort_key", "building__name", "floor", "number", "pk")
        .values_list("pk", "state", "exclusive_area")
    )
    owners_of: dict[int, dict[int, str]] = {}
    for unit_id, identity_id, kind in Ownership.objects.filter(
        ended_at__isnull=True, unit__building__estate=estate
    ).values_list("unit_id", "identity_id", "identity__kind"):
        owners_of.setdefault(unit_id, {})[identity_id] = kind
    developer = (
        OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.DEVELOPER)
        .values_list("pk", flat=True)
        .first()
    )
    developer_held_states = set(UnitState.developer_held())
    groups: dict[Any, tuple[str, tuple[int, ...], list[int], list[Decimal]]] = {}
    for unit_id, state, area in units:
        identities = owners_of.get(unit_id, {})
        if state in developer_held_states or IdentityKind.DEVELOPER in identities.values():
            key: Any = ("developer",)
            holders = (developer,) if developer else ()
            kind = RightKind.DEVELOPER
        elif identities:
            holders = tuple(sorted(identities))
            key = ("identities", holders)
            kind = RightKind.PERSON
        else:
            key = ("unit", unit_id)
            holders = ()
            kind = RightKind.UNREGISTERED
        group = groups.setdefault(key, (kind, holders, [], []))
        group[2].append(unit_id)
        group[3].append(area)
    return [
        HeadRow(kind, holders, tuple(unit_ids), sum(areas, Decimal("0")))
        for kind, holders, unit_ids, areas in groups.values()
    ]


def group_units(estate) -> list[_Group]:
    """Return the heads of head_rows with their units and holders as model instances, for
    what copies them (the frozen roll) or shows them (the roll before it is frozen)."""
    rows = head_rows(estate)
    units = Unit.objects.select_related("building").in_bulk(
        [unit_id for row in rows for unit_id in row.unit_ids]
    )
    identities = OwnerIdentity.objects.in_bulk(
        [holder_id for row in rows for holder_id in row.holder_ids]
    )
    return [
        _Group(
            row.kind,
            [identities[holder_id] for holder_id in row.holder_ids],
            [units[unit_id] for unit_id in row.unit_ids],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RollTotals:
    """Hold the size of a roll: heads (SPC Art. 9), units and their exact total area."""

    heads: int
    units: int
    area: Decimal


def totals_of(groups: list[_Group]) -> RollTotals:
    """Return the totals of grouped units, exactly as the frozen roll will store them."""
    return RollTotals(
        heads=len(groups),
        units=sum(len(g.units) for g in groups),
        area=sum((unit.exclusive_area for g in groups for unit in g.units), Decimal("0")),
    )


def preview_roll(estate) -> RollTotals:
    """Return what the roll would hold if voting opened now (for the confirmation page)."""
    return totals_of(group_units(estate))


def _holder_name(group: _Group) -> str:
    if group.kind == RightKind.UNREGISTERED:
        return ""
    return "、".join(identity.masked_name for identity in group.holders)


@transaction.atomic
def freeze_roll(assembly: AssemblyPage, *, actor: Any = None) -> ElectoralRoll:
    """Freeze the roll of the assembly from the register as it is now, in one transaction.

    Areas are exact Decimal sums; the units, their buildings and areas are copied so
    that later register edits cannot change a running vote.
    """
    if ElectoralRoll.objects.filter(assembly=assembly).exists():
        raise ValidationError(_("本次会议的选民名册已经冻结，不能重复生成。"))
    estate = assembly.page_estate
    groups = group_units(estate)
    if not groups:
        raise ValidationError(_("业主名册中没有房屋，无法生成选民名册。"))
    totals = totals_of(groups)
    total_area, total_units = totals.area, totals.units
    rights = [
        VotingRight(
            assembly=assembly,
            kind=group.kind,
            area=sum((unit.exclusive_area for unit in group.units), Decimal("0")),
            unit_count=len(group.units),
            holder_name=_holder_name(group)[:100],
        )
        for group in groups
    ]
    # The roll's hash is fixed before a row is written (the roll row is append-only), from
    # the same values the rows will hold; it is checked against the rows just below.
    document = roll_document(
        assembly=assembly.pk,
        total_area=total_area,
        total_heads=totals.heads,
        total_units=total_units,
        rights=[
            {
                "pseudonym": right.pseudonym,
                "kind": right.kind,
                "area": right.area,
                "unit_count": right.unit_count,
                "holder_name": right.holder_name,
                "holders": [identity.pk for identity in group.holders],
                "units": [
                    {
                        "unit": unit.pk,
                        "building": unit.building.name,
                        "number": unit.number,
                        "area": unit.exclusive_area,
                    }
                    for unit in group.units
                ],
            }
            for right, group in zip(rights, groups, strict=True)
        ],
    )
    roll = ElectoralRoll.objects.create(
        assembly=assembly,
        frozen_by=actor if getattr(actor, "is_authenticated", False) else None,
        total_area=total_area,
        total_heads=totals.heads,
        total_units=total_units,
        roll_hash=roll_hash(document),
    )
    for right in rights:
        right.roll = roll
    # Bulk inserts: an estate may have thousands of units (primary keys come back on
    # PostgreSQL and SQLite >= 3.35).
    rights = VotingRight.objects.bulk_create(rights)
    Holder = VotingRight.holders.through
    Holder.objects.bulk_create(
        Holder(votingright_id=right.pk, owneridentity_id=identity.pk)
        for right, group in zip(rights, groups, strict=True)
        for identity in group.holders
    )
    right_units = [
        VotingRightUnit(
            right=right,
            assembly=assembly,
            unit=unit,
            building_name=unit.building.name,
            unit_number=unit.number,
            exclusive_area=unit.exclusive_area,
        )
        for right, group in zip(rights, groups, strict=True)
        for unit in group.units
    ]
    VotingRightUnit.objects.bulk_create(right_units)
    if stored_roll_hash(roll) != roll.roll_hash:
        # The rows do not read back as hashed (a field's rounding, a truncated name): fail
        # now, in the transaction, rather than leave a roll that never verifies.
        raise RuntimeError(f"The frozen roll of assembly {assembly.pk} does not match its hash.")
    audit.record(
        "assembly.roll_frozen",
        actor=actor,
        obj=assembly,
        estate=estate,
        total_area=str(total_area),
        total_heads=roll.total_heads,
        total_units=roll.total_units,
        roll_hash=roll.roll_hash,
    )
    return roll
