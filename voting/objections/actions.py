"""Every state change of roll objections (异议): an owner objects with evidence; the committee
decides with a reason, and an upheld objection corrects the register through the register's own
actions, audited there: a wrong area through ``portal.community.actions.correct_unit``, a missing
unit through ``register.assign_unit``, a wrong grouping through ``register.merge_identities``
(one buyer counted as two heads) or ``register.regroup_units`` (two buyers counted as one).
Or the committee records why it will not wait.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, membership, permissions
from portal.community.actions import correct_unit
from portal.community.choices import Party
from portal.community.models import OwnerIdentity, Ownership, Unit
from portal.community.register import (
    assign_unit,
    identity_for,
    merge_identities,
    refuse_unless_register_manager,
    regroup_units,
)
from portal.notifications.api import notify
from voting.choices import ObjectionKind, RollCorrection
from voting.models import AssemblyPage, RollObjection, RollObjectionDecision, RollObjectionOverride
from voting.objections.published import blocking_objections, is_open_for_objections, own_identity
from voting.scans import validate_scan


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


def _sole_holder(unit: Unit) -> OwnerIdentity | None:
    """Return the unit's one current owner; refuse a co-owned unit, None for an unregistered one."""
    holders = [
        o.identity
        for o in Ownership.objects.filter(unit=unit, ended_at__isnull=True).select_related(
            "identity"
        )
    ]
    if len(holders) > 1:
        raise ValidationError(
            _("%(unit)s 为多人共有，共有人的更正须通过名册导入。")
            % {"unit": f"{unit.building.name}{unit.number}"}
        )
    return holders[0] if holders else None


def _correct_ownership(
    objection: RollObjection,
    *,
    actor: Any,
    reason: str,
    unit: Unit | None,
    grouping: str | None,
    other_name: str,
    other_id_number: str,
) -> tuple[str, Unit, OwnerIdentity]:
    """Correct who owns which unit as an upheld objection says; return (how, unit, new holder).

    An upheld missing-unit or grouping objection must say its correction: the roll's figures
    follow the register, so a decision without one would leave them saying what was found wrong.
    """
    estate = objection.assembly.page_estate
    identity = objection.identity
    if objection.kind == ObjectionKind.MISSING_UNIT:
        if unit is None:
            raise ValidationError(
                _("异议成立时请指明补登的房屋（楼栋和房号），名册随决定一并更正。")
            )
        refuse_unless_register_manager(actor, estate)
        assign_unit(unit, identity, actor=actor, reason=reason)
        return RollCorrection.ASSIGN, unit, identity
    if grouping == RollCorrection.MERGE:
        if unit is None:
            raise ValidationError(_("请指明登记在另一业主身份下的该业主房屋（楼栋和房号）。"))
        refuse_unless_register_manager(actor, estate)
        duplicate = _sole_holder(unit)
        if duplicate is None:
            raise ValidationError(
                _("%(unit)s 在名册中没有业主，应作为漏登房屋补登。")
                % {"unit": f"{unit.building.name}{unit.number}"}
            )
        merge_identities(duplicate, identity, actor=actor, reason=reason)
        return RollCorrection.MERGE, unit, identity
    if grouping == RollCorrection.SPLIT:
        refuse_unless_register_manager(actor, estate)
        moving = objection.unit
        if moving is None or _sole_holder(moving) != identity:
            raise ValidationError(_("异议所指的房屋已不在异议人一人名下，不能按此拆分。"))
        other = identity_for(estate, name=other_name, id_number=other_id_number, actor=actor)
        if other.pk == identity.pk:
            raise ValidationError(_("填写的是异议人本人的证件号码；拆分时请填写另一位业主的。"))
        regroup_units([moving], other, actor=actor, reason=reason)
        return RollCorrection.SPLIT, moving, other
    raise ValidationError(
        _("异议成立时请选择更正方式：同一业主被计为两人（合并）或不同业主被计为一人（分开）。")
    )


@transaction.atomic
def decide_objection(
    objection: RollObjection,
    *,
    actor: Any,
    upheld: bool,
    reason: str,
    corrected_area: Decimal | None = None,
    unit: Unit | None = None,
    grouping: str | None = None,
    other_name: str = "",
    other_id_number: str = "",
    now: datetime | None = None,
) -> RollObjectionDecision:
    """Decide an objection with a reason; an upheld objection corrects the register with it.

    A wrong area: the unit's area (``corrected_area``, else the area claimed). A missing unit:
    ``unit`` is registered to the objector. A wrong grouping: ``grouping`` says how, "merge"
    (the identity holding ``unit`` is the objector: its units join the objector's head) or
    "split" (the objected unit belongs to the buyer named by ``other_name`` and
    ``other_id_number``). A refused correction records no decision.
    """
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
    correction, corrected_unit, assigned_to = "", None, None
    if not upheld:
        corrected_area = None
    elif objection.kind == ObjectionKind.WRONG_AREA:
        corrected_area = corrected_area or objection.claimed_area
    else:
        corrected_area = None
        if objection.kind in (ObjectionKind.MISSING_UNIT, ObjectionKind.WRONG_GROUPING):
            correction, corrected_unit, assigned_to = _correct_ownership(
                objection,
                actor=actor,
                reason=reason,
                unit=unit,
                grouping=grouping,
                other_name=other_name,
                other_id_number=other_id_number,
            )
    if corrected_area is not None:
        if objection.unit is None:
            raise ValidationError(_("该异议没有指明房屋，不能更正面积。"))
        refuse_unless_register_manager(actor, estate)
        correct_unit(objection.unit, actor=actor, exclusive_area=corrected_area)
    decision = RollObjectionDecision.objects.create(
        objection=objection,
        upheld=upheld,
        reason=reason,
        corrected_area=corrected_area,
        correction=correction,
        corrected_unit=corrected_unit,
        assigned_to=assigned_to,
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
        correction=correction or None,
        corrected_unit=corrected_unit.pk if corrected_unit else None,
        assigned_to=assigned_to.pk if assigned_to else None,
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
