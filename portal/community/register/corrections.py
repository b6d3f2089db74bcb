"""Corrections of who owns which unit (产权归属更正): the register's own actions, audited.

A unit left out of an owner's entries (漏登房屋) is assigned to them; units counted under the
wrong head (人数归并有误, SPC interpretation Art. 9: all units of one buyer are one head) are
moved onto the identity that holds them, either merging a duplicate identity of one buyer into
the other (two heads become one) or moving a unit onto another buyer (one head becomes two).

Ownership rows are history and are never deleted: a correction ends the unit's current
ownership (``ended_at``) and creates one for the identity that holds it now. Each correction
is one audit event per unit with the old and new holders. Only those who manage the estate's
register may correct it (``manage_register``). The developer's units are not moved here:
whether a unit is still the developer's is a matter of its state (``correct_unit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from portal.community.choices import IdentityKind, UnitState
from portal.community.models import OwnerIdentity, Ownership, Unit
from portal.community.models.register import hash_id_number
from portal.community.register.id_numbers import fails_resident_check, normalize_id_number


def refuse_unless_register_manager(actor: Any, estate: Any) -> None:
    """Refuse (PermissionDenied, in Chinese) anyone who may not correct the estate's register."""
    if not permissions.may(actor, "manage_register", estate):
        raise PermissionDenied(
            _("更正业主名册须由有权管理业主名册的人（业委会主任或物业经理）作出。")
        )


def _holder(identity: OwnerIdentity) -> dict[str, Any]:
    return {"identity": identity.pk, "name": identity.masked_name}


def _check_target(identity: OwnerIdentity, estate: Any) -> None:
    if identity.estate_id != estate.pk:
        raise ValidationError(_("该房屋不属于这位业主所在的小区。"))
    if identity.kind != IdentityKind.PERSON:
        raise ValidationError(
            _("不能把房屋登记到建设单位名下；建设单位是否仍持有房屋，须更正房屋的状态。")
        )


def _move(unit: Unit, identity: OwnerIdentity, *, actor: Any, reason: str, how: str) -> Ownership:
    """End the unit's current ownerships and register it to the identity (rows locked)."""
    unit = Unit.objects.select_for_update().select_related("building__estate").get(pk=unit.pk)
    estate = unit.building.estate
    _check_target(identity, estate)
    label = f"{unit.building.name}{unit.number}"
    if unit.state in UnitState.developer_held():
        raise ValidationError(
            _("%(unit)s 登记为建设单位未售出或未交付的房屋，须先更正房屋状态。") % {"unit": label}
        )
    current = list(
        Ownership.objects.select_for_update()
        .filter(unit=unit, ended_at__isnull=True)
        .select_related("identity")
    )
    if any(o.identity.kind == IdentityKind.DEVELOPER for o in current):
        raise ValidationError(
            _("%(unit)s 登记在建设单位名下，须先更正房屋状态。") % {"unit": label}
        )
    if any(o.identity_id == identity.pk for o in current):
        raise ValidationError(_("%(unit)s 已登记在该业主名下。") % {"unit": label})
    now = timezone.now()
    Ownership.objects.filter(pk__in=[o.pk for o in current]).update(ended_at=now)
    ownership = Ownership.objects.create(unit=unit, identity=identity)
    audit.record(
        "ownership.corrected",
        actor=actor,
        obj=unit,
        estate=estate,
        how=how,
        reason=reason,
        before=[_holder(o.identity) for o in current],
        after=[_holder(identity)],
    )
    return ownership


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写更正名册的理由。"))
    return reason


@transaction.atomic
def assign_unit(unit: Unit, identity: OwnerIdentity, *, actor: Any, reason: str) -> Ownership:
    """Register a unit to an identity (漏登房屋): its current owners, if any, end.

    Refuses a unit of another estate, the developer as the new owner, a unit the developer
    still holds, and a unit already registered to the identity.
    """
    _check_target(identity, unit.building.estate)  # another estate's unit: bad input first
    refuse_unless_register_manager(actor, identity.estate)
    return _move(unit, identity, actor=actor, reason=_clean_reason(reason), how="assign")


@transaction.atomic
def regroup_units(
    units: Iterable[Unit], identity: OwnerIdentity, *, actor: Any, reason: str
) -> list[Ownership]:
    """Move registered units onto the identity that holds them (人数归并有误).

    Each unit must have exactly one current owner, a person other than the identity: a
    co-owned unit's shares are the register import's to correct, an unregistered unit is
    assigned with :func:`assign_unit`. All units move or none does.
    """
    units = list(units)
    if not units:
        raise ValidationError(_("请指明要更正的房屋。"))
    reason = _clean_reason(reason)
    for unit in units:
        _check_target(identity, unit.building.estate)
    refuse_unless_register_manager(actor, identity.estate)
    moved = []
    for unit in units:
        holders = list(Ownership.objects.filter(unit=unit, ended_at__isnull=True))
        label = f"{unit.building.name}{unit.number}"
        if not holders:
            raise ValidationError(
                _("%(unit)s 在名册中没有业主，应作为漏登房屋补登。") % {"unit": label}
            )
        if len(holders) > 1:
            raise ValidationError(
                _("%(unit)s 为多人共有，共有人的更正须通过名册导入。") % {"unit": label}
            )
        moved.append(_move(unit, identity, actor=actor, reason=reason, how="regroup"))
    return moved


@transaction.atomic
def merge_identities(
    duplicate: OwnerIdentity, into: OwnerIdentity, *, actor: Any, reason: str
) -> list[Ownership]:
    """Count one buyer once: move every current unit of a duplicate identity onto the other.

    Two heads become one (SPC interpretation Art. 9). The duplicate identity stays as history
    with no current unit. Refused when the two identities are linked to different accounts:
    that is two people until someone shows otherwise.
    """
    if duplicate.pk == into.pk:
        raise ValidationError(_("这两处房屋已登记在同一业主名下，人数已合并计算。"))
    if duplicate.estate_id != into.estate_id:
        raise ValidationError(_("该房屋不属于这位业主所在的小区。"))
    if duplicate.kind != IdentityKind.PERSON:
        raise ValidationError(
            _("建设单位的房屋不能并入个人业主；建设单位是否仍持有房屋，须更正房屋的状态。")
        )
    if duplicate.user_id and into.user_id and duplicate.user_id != into.user_id:
        raise ValidationError(
            _("这两个业主身份已分别关联不同的账户，不能合并；请先核实是否为同一人。")
        )
    units = [
        o.unit
        for o in duplicate.ownerships.filter(ended_at__isnull=True).select_related(
            "unit__building__estate"
        )
    ]
    if not units:
        raise ValidationError(_("该业主名下已没有房屋，无需合并。"))
    return regroup_units(units, into, actor=actor, reason=reason)


@transaction.atomic
def identity_for(estate: Any, *, name: str, id_number: str, actor: Any) -> OwnerIdentity:
    """Return the estate's person identity with this ID number, creating it if new.

    The number itself is never stored (only its keyed hash and last four characters); a
    known number under another name is refused rather than renamed.
    """
    refuse_unless_register_manager(actor, estate)
    name = (name or "").strip()
    id_number = normalize_id_number(id_number)
    if not name:
        raise ValidationError(_("请填写业主姓名。"))
    if not id_number:
        raise ValidationError(_("请填写业主的证件号码。"))
    if len(id_number) > 50 or fails_resident_check(id_number):
        raise ValidationError(_("证件号码有误，请与不动产权证书或身份证核对。"))
    id_hash = hash_id_number(id_number)
    existing = OwnerIdentity.objects.filter(
        estate=estate, kind=IdentityKind.PERSON, id_hash=id_hash
    ).first()
    if existing is not None:
        if existing.name != name:
            raise ValidationError(
                _("该证件号码在名册中登记的姓名为 %(name)s，与填写的姓名不符。")
                % {"name": existing.masked_name}
            )
        return existing
    identity = OwnerIdentity.objects.create(
        estate=estate,
        kind=IdentityKind.PERSON,
        name=name[:100],
        id_hash=id_hash,
        id_last4=id_number[-4:],
    )
    audit.record(
        "owner.registered", actor=actor, obj=identity, estate=estate, name=identity.masked_name
    )
    return identity
