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
from django.db.models import F
from django.utils.translation import gettext as _

from portal.community import audit
from portal.community.choices import IdentityKind, UnitState
from portal.community.models import OwnerIdentity, Unit
from voting.choices import RightKind
from voting.ledger.chain import roll_document, roll_hash
from voting.ledger.store import stored_roll_hash
from voting.models import AssemblyPage, ElectoralRoll, VotingRight, VotingRightUnit


@dataclass
class _Group:
    kind: str
    holders: list[OwnerIdentity] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)


def group_units(estate) -> list[_Group]:
    """Return the estate's units grouped into heads (SPC Art. 9), in register order.

    - Units the developer still holds (unsold, or sold but undelivered), and units
      registered to the developer identity, form ONE group.
    - Every other unit goes to the group of the exact set of person identities that
      currently own it, so a buyer of three flats is one group; co-owners of a flat
      (spouses) are one group for that flat.
    - A unit with no current owner in the register is still a head of its own:
      the denominators of Civil Code Art. 278 are all owners and all area.
    Tenants are never in the register, so they never form a group.
    """
    # Read flat (each unit's current owners as identity rows carrying the unit's id) rather
    # than by prefetch: petitions, proposals and the published roll count heads on every
    # signature, support and page view, and the prefetch machinery was most of that cost.
    units = (
        Unit.objects.filter(building__estate=estate)
        .select_related("building")
        .order_by("building__sort_key", "building__name", "floor", "number", "pk")
    )
    owners_of: dict[int, list[OwnerIdentity]] = {}
    for identity in OwnerIdentity.objects.filter(
        ownerships__ended_at__isnull=True, ownerships__unit__building__estate=estate
    ).annotate(owned_unit_id=F("ownerships__unit_id")):
        owners_of.setdefault(identity.owned_unit_id, []).append(identity)
    developer = OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.DEVELOPER).first()
    groups: dict[Any, _Group] = {}
    for unit in units:
        identities = owners_of.get(unit.pk, [])
        developer_held = unit.state in UnitState.developer_held() or any(
            i.kind == IdentityKind.DEVELOPER for i in identities
        )
        if developer_held:
            key: Any = ("developer",)
            group = groups.setdefault(
                key, _Group(RightKind.DEVELOPER, [developer] if developer else [])
            )
        elif identities:
            persons = sorted({i.pk: i for i in identities}.values(), key=lambda i: i.pk)
            key = ("identities", tuple(i.pk for i in persons))
            group = groups.setdefault(key, _Group(RightKind.PERSON, persons))
        else:
            key = ("unit", unit.pk)
            group = groups.setdefault(key, _Group(RightKind.UNREGISTERED))
        group.units.append(unit)
    return list(groups.values())


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
