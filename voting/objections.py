"""The roll is published before it freezes (名册公示与异议): what owners see, and every state change.

After an assembly is announced and until voting opens, each owner sees their own entries (units,
areas, head grouping) and every member sees the roll's aggregates per building, computed from
the register exactly as ``voting.roll.freeze_roll`` will freeze it. An owner objects with
evidence; the committee decides with a reason; an upheld area objection corrects the register
through the register's own action (``portal.community.actions.correct_unit``, audited there).
The roll does not freeze while objections are undecided, unless the committee records why it
will not wait (``override_undecided``); ``voting.actions.refusals_to_open`` asks
:func:`blocking_objections`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, membership, permissions
from portal.community.actions import correct_unit
from portal.community.choices import Party
from portal.community.models import OwnerIdentity, Unit
from portal.notifications.api import notify
from voting.actions import validate_scan
from voting.choices import AssemblyState, ObjectionKind
from voting.models import (
    AssemblyPage,
    RollObjection,
    RollObjectionDecision,
    RollObjectionOverride,
    VotingRightUnit,
)
from voting.roll import group_units

# --- what the published roll shows -----------------------------------------------------------


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


# --- actions -----------------------------------------------------------------------------------


def _refuse_unless_open(assembly: AssemblyPage) -> None:
    if not is_open_for_objections(assembly):
        raise ValidationError(
            _("名册只在会议公告发布后、投票开始前接受异议；名册已冻结或会议尚未公告。")
        )


def _notify(recipients, *, title: str, body: str, url: str, estate, key: str, actor=None) -> None:
    recipients = [r for r in recipients if r is not None]
    if recipients:
        notify(
            recipients,
            category="assembly",
            title=title[:100],
            body=body,
            url=url,
            estate=estate,
            dedupe_key=key,
            actor=actor,
        )


def _committee(estate) -> list[Any]:
    return list(membership.party_users(estate, Party.COMMITTEE))


def roll_url(assembly: AssemblyPage) -> str:
    from django.urls import reverse

    return reverse("voting:roll", args=[assembly.pk])


def _check_objection(
    identity: Any,
    *,
    kind: str,
    explanation: str,
    evidence: Any,
    unit: Unit | None,
    claimed_area: Decimal | None,
) -> Decimal | None:
    """Refuse an incomplete or foreign objection; return the claimed area it keeps."""
    if kind not in ObjectionKind.values:
        raise ValidationError(_("请选择异议类型。"))
    if not explanation:
        raise ValidationError(_("请说明异议的内容。"))
    if not evidence:
        raise ValidationError(_("请上传证明材料（不动产权证书、购房合同或测绘报告的照片或 PDF）。"))
    validate_scan(evidence)
    own_unit_ids = set(
        identity.ownerships.filter(ended_at__isnull=True).values_list("unit_id", flat=True)
    )
    if unit is not None and unit.pk not in own_unit_ids:
        raise ValidationError(_("只能对自己名下的房屋提出异议。"))
    if kind in (ObjectionKind.WRONG_AREA, ObjectionKind.WRONG_GROUPING) and unit is None:
        raise ValidationError(_("请选择有异议的房屋。"))
    if kind == ObjectionKind.WRONG_AREA:
        if claimed_area is None or claimed_area <= 0:
            raise ValidationError(_("请填写您认为正确的专有部分面积。"))
        if claimed_area == unit.exclusive_area:
            raise ValidationError(_("您填写的面积与名册中的面积相同。"))
    else:
        claimed_area = None
    return claimed_area


@transaction.atomic
def file_objection(
    assembly: AssemblyPage,
    *,
    actor: Any,
    kind: str,
    explanation: str,
    evidence: Any,
    unit: Unit | None = None,
    claimed_area: Decimal | None = None,
    now: datetime | None = None,
) -> RollObjection:
    """File an objection to one's own entries on the published roll, with evidence."""
    estate = assembly.page_estate
    if not permissions.may(actor, "object_to_roll", estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以对名册提出异议。"))
    assembly = AssemblyPage.objects.select_for_update().get(pk=assembly.pk)
    _refuse_unless_open(assembly)
    identity = own_identity(actor, assembly)
    if identity is None:
        raise PermissionDenied(_("只有本小区已认证的业主可以对名册提出异议。"))
    explanation = (explanation or "").strip()
    claimed_area = _check_objection(
        identity,
        kind=kind,
        explanation=explanation,
        evidence=evidence,
        unit=unit,
        claimed_area=claimed_area,
    )
    objection = RollObjection.objects.create(
        assembly=assembly,
        identity=identity,
        filed_by=actor,
        kind=kind,
        unit=unit,
        claimed_area=claimed_area,
        explanation=explanation,
        evidence=evidence,
        filed_at=now or timezone.now(),
    )
    audit.record(
        "roll.objection_filed",
        actor=actor,
        obj=assembly,
        estate=estate,
        objection=objection.pk,
        kind=kind,
        unit=unit.pk if unit else None,
        claimed_area=str(claimed_area) if claimed_area is not None else None,
    )
    _notify(
        _committee(estate),
        title=_("业主对名册提出异议：%(assembly)s") % {"assembly": assembly.title},
        body=_("请在投票开始、名册冻结前作出决定并说明理由。"),
        url=roll_url(assembly) + "objections/",
        estate=estate,
        key=f"roll-objection:{objection.pk}:filed",
        actor=actor,
    )
    return objection


def parse_area(value: Any) -> Decimal | None:
    """Return a positive area with at most two decimals, or None when empty; refuse others."""
    if value in (None, ""):
        return None
    try:
        area = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValidationError(_("面积必须是数字，例如 89.50。")) from error
    if not area.is_finite() or area <= 0 or area != area.quantize(Decimal("0.01")):
        raise ValidationError(_("面积必须大于 0，最多保留两位小数。"))
    return area


@transaction.atomic
def decide_objection(
    objection: RollObjection,
    *,
    actor: Any,
    upheld: bool,
    reason: str,
    corrected_area: Decimal | None = None,
    now: datetime | None = None,
) -> RollObjectionDecision:
    """Decide an objection with a reason; an upheld area objection corrects the register."""
    assembly = AssemblyPage.objects.select_for_update().get(pk=objection.assembly_id)
    estate = assembly.page_estate
    if not permissions.may(actor, "decide_roll_objections", estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以决定名册异议。"))
    _refuse_unless_open(assembly)
    if RollObjectionDecision.objects.filter(objection=objection).exists():
        raise ValidationError(_("该异议已经作出决定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写决定的理由。"))
    if not upheld:
        corrected_area = None
    elif objection.kind == ObjectionKind.WRONG_AREA:
        corrected_area = corrected_area or objection.claimed_area
    if corrected_area is not None:
        if objection.unit is None:
            raise ValidationError(_("该异议没有指明房屋，不能更正面积。"))
        if not permissions.may(actor, "manage_register", estate):
            raise PermissionDenied(
                _("更正名册面积须由有权管理业主名册的人（业委会主任或物业经理）作出决定。")
            )
        correct_unit(objection.unit, actor=actor, exclusive_area=corrected_area)
    decision = RollObjectionDecision.objects.create(
        objection=objection,
        upheld=upheld,
        reason=reason,
        corrected_area=corrected_area,
        decided_by=actor,
        decided_at=now or timezone.now(),
    )
    audit.record(
        "roll.objection_decided",
        actor=actor,
        obj=assembly,
        estate=estate,
        objection=objection.pk,
        upheld=upheld,
        reason=reason,
        corrected_area=str(corrected_area) if corrected_area is not None else None,
    )
    _notify(
        [objection.filed_by],
        title=_("您对名册的异议已有决定"),
        body=(_("异议成立。") if upheld else _("异议不成立。")) + _("理由：") + reason,
        url=roll_url(assembly),
        estate=estate,
        key=f"roll-objection:{objection.pk}:decided",
        actor=actor,
    )
    return decision


@transaction.atomic
def override_undecided(
    assembly: AssemblyPage, *, actor: Any, reason: str, now: datetime | None = None
) -> RollObjectionOverride:
    """Record the committee's reason to let the roll freeze with objections still undecided."""
    assembly = AssemblyPage.objects.select_for_update().get(pk=assembly.pk)
    estate = assembly.page_estate
    if not permissions.may(actor, "decide_roll_objections", estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以作出该决定。"))
    _refuse_unless_open(assembly)
    undecided = blocking_objections(assembly).count()
    if not undecided:
        raise ValidationError(_("没有未决的名册异议，无需作出该决定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写不等待未决异议即冻结名册的理由。"))
    override = RollObjectionOverride.objects.create(
        assembly=assembly, reason=reason, undecided=undecided, actor=actor, at=now or timezone.now()
    )
    audit.record(
        "roll.objections_overridden",
        actor=actor,
        obj=assembly,
        estate=estate,
        undecided=undecided,
        reason=reason,
    )
    return override
