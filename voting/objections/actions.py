"""Every state change of roll objections (异议): an owner objects with evidence; the committee
decides with a reason (an upheld area objection corrects the register through
``portal.community.actions.correct_unit``, audited there); or records why it will not wait.
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
from portal.community.models import Unit
from portal.notifications.api import notify
from voting.choices import ObjectionKind
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
