"""Every state change of the community domain has its one entry point here."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from portal.community.choices import ClaimStatus, IdentityKind, RoleKind
from portal.community.groups import ensure_estate_groups, role_group
from portal.community.models import (
    Community,
    Estate,
    MembershipClaim,
    OwnerIdentity,
    ResidentInvitation,
    Role,
    SubDistrict,
    Unit,
)
from portal.home import sections  # pure registry; no import of home's models
from portal.home.models import EstatePage, HomePage

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def create_estate(
    *,
    community: Community,
    name: str,
    slug: str,
    address: str = "",
    property_company: str = "",
    actor: User | None = None,
) -> Estate:
    """Create an estate with its hub page, the registered section pages and editor groups."""
    from django.apps import apps

    home = HomePage.objects.first()
    if home is None:
        raise ValidationError(_("请先创建首页（运行 seed_demo 或在后台创建）。"))
    estate = Estate.objects.create(
        community=community,
        name=name,
        slug=slug,
        address=address,
        property_company=property_company,
    )
    estate_page = home.add_child(instance=EstatePage(title=name, slug=slug, estate=estate))
    for section in sections.sections():  # registered by the feature apps
        model = apps.get_model(section.model_label)
        estate_page.add_child(instance=model(title=section.title, slug=section.slug))
    ensure_estate_groups(estate, estate_page)
    audit.record("estate.created", actor=actor, obj=estate, estate=estate, name=name)
    return estate


@transaction.atomic
def grant_role(
    user: User,
    kind: str,
    *,
    estate: Estate | None = None,
    community: Community | None = None,
    sub_district: SubDistrict | None = None,
    unit: Unit | None = None,
    actor: User | None = None,
) -> Role:
    """Give the user a role (idempotent) and, for staff, the estate's editor group."""
    role, created = Role.objects.get_or_create(
        user=user,
        kind=kind,
        estate=estate,
        community=community,
        sub_district=sub_district,
        revoked_at=None,
        defaults={
            "granted_by": actor if getattr(actor, "is_authenticated", False) else None,
            "unit": unit,
        },
    )
    if created:
        if (group := role_group(kind, estate)) is not None:
            user.groups.add(group)
        audit.record(
            "role.granted", actor=actor, obj=role, estate=estate, user_id=user.pk, kind=kind
        )
    permissions.forget_roles(user)
    return role


@transaction.atomic
def revoke_role(role: Role, *, actor: User | None = None) -> None:
    """End a role; the row stays as history."""
    if role.revoked_at is not None:
        return
    role.revoked_at = timezone.now()
    role.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    role.save(update_fields=["revoked_at", "revoked_by"])
    if role.kind in RoleKind.officials():
        still_holds = Role.objects.active().filter(user=role.user, kind__in=RoleKind.officials())
    else:
        still_holds = Role.objects.active().filter(
            user=role.user, kind=role.kind, estate=role.estate
        )
    group = role_group(role.kind, role.estate)
    if group is not None and not still_holds.exists():
        role.user.groups.remove(group)
    audit.record("role.revoked", actor=actor, obj=role, estate=role.estate, kind=role.kind)
    permissions.forget_roles(role.user)


UNIT_CORRECTABLE_FIELDS = ("number", "floor", "exclusive_area", "area_source", "state")


@transaction.atomic
def correct_unit(unit: Unit, *, actor: User, **changes: Any) -> Unit:
    """Correct a unit's register facts (number, floor, exclusive area, area source, state).

    Only those who manage the estate's register may; the audit event keeps the old and new
    values, because areas decide votes (SPC interpretation Art. 8).
    """
    estate = unit.building.estate
    if not permissions.may(actor, "manage_register", estate):
        raise PermissionDenied
    unknown = set(changes) - set(UNIT_CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    unit = Unit.objects.select_for_update().select_related("building__estate").get(pk=unit.pk)
    before = {name: getattr(unit, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if not changed:
        return unit
    for name, value in changed.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save(update_fields=[*changed, "updated_at"])
    audit.record(
        "unit.corrected",
        actor=actor,
        obj=unit,
        estate=estate,
        before={name: str(before[name]) for name in changed},
        after={name: str(value) for name, value in changed.items()},
    )
    return unit


@transaction.atomic
def link_identity(
    identity: OwnerIdentity, user: User, *, actor: User | None = None, how: str
) -> None:
    """Link a register identity to an account and make the account a verified owner."""
    if identity.kind != IdentityKind.PERSON:
        raise ValidationError(_("建设单位的房屋不能关联到个人账户。"))
    if identity.user_id and identity.user_id != user.pk:
        raise ValidationError(_("该业主身份已关联其他账户。"))
    if identity.user_id != user.pk:
        identity.user = user
        identity.linked_at = timezone.now()
        identity.save(update_fields=["user", "linked_at"])
        audit.record(
            "owner.linked",
            actor=actor,
            obj=identity,
            estate=identity.estate,
            user_id=user.pk,
            how=how,
        )
    grant_role(user, RoleKind.OWNER, estate=identity.estate, actor=actor)


def link_by_verified_phone(user: User) -> list[OwnerIdentity]:
    """Link every register identity whose mobile matches the user's verified mobile."""
    if not (user.phone and user.phone_verified):
        return []
    identities = list(
        OwnerIdentity.objects.filter(
            mobile=user.phone, kind=IdentityKind.PERSON, user__isnull=True
        ).select_related("estate")
    )
    for identity in identities:
        link_identity(identity, user, actor=user, how="verified_phone")
    return identities


@transaction.atomic
def submit_claim(
    user: User,
    *,
    unit: Unit,
    kind: str,
    claimant_name: str,
    note: str = "",
    evidence: Any = None,
) -> MembershipClaim:
    """File an application to be recognised as owner or resident of a unit."""
    estate = unit.building.estate
    if MembershipClaim.objects.filter(
        user=user, unit=unit, kind=kind, status=ClaimStatus.PENDING
    ).exists():
        raise ValidationError(_("您已提交过该房屋的申请，请等待审核。"))
    claim = MembershipClaim.objects.create(
        user=user,
        estate=estate,
        unit=unit,
        kind=kind,
        claimant_name=claimant_name,
        note=note,
        evidence=evidence or "",
    )
    audit.record("claim.submitted", actor=user, obj=claim, estate=estate, kind=kind)
    return claim


@transaction.atomic
def decide_claim(
    claim: MembershipClaim,
    *,
    approve: bool,
    reason: str,
    actor: User,
    identity: OwnerIdentity | None = None,
) -> MembershipClaim:
    """Approve or reject an application, with a reason; an approved owner claim links the unit's owner."""
    if not permissions.may(actor, "decide_claims", claim.estate):
        raise PermissionDenied
    claim = MembershipClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("该申请已处理。"))
    if not reason.strip():
        raise ValidationError(_("请填写审核意见。"))
    if approve and claim.kind == MembershipClaim.Kind.OWNER:
        if identity is None:
            identity = (
                OwnerIdentity.objects.filter(
                    ownerships__unit=claim.unit,
                    ownerships__ended_at__isnull=True,
                    kind=IdentityKind.PERSON,
                )
                .distinct()
                .first()
            )
        if identity is None:
            raise ValidationError(_("名册中没有该房屋的业主，无法认证为业主。"))
        link_identity(identity, claim.user, actor=actor, how="claim")
    elif approve:
        grant_role(claim.user, RoleKind.RESIDENT, estate=claim.estate, unit=claim.unit, actor=actor)
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.decision_reason = reason.strip()
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit.record(
        "claim.approved" if approve else "claim.rejected",
        actor=actor,
        obj=claim,
        estate=claim.estate,
        reason=claim.decision_reason,
    )
    return claim


@transaction.atomic
def create_invitation(owner: User, unit: Unit, *, days: int = 7) -> ResidentInvitation:
    """Let a verified owner invite a resident of one of their own units."""
    estate = unit.building.estate
    owns_unit = unit.ownerships.filter(identity__user=owner, ended_at__isnull=True).exists()
    if not owns_unit:
        raise PermissionDenied
    invitation = ResidentInvitation.objects.create(
        estate=estate, unit=unit, invited_by=owner, expires_at=timezone.now() + timedelta(days=days)
    )
    audit.record("invitation.created", actor=owner, obj=invitation, estate=estate)
    return invitation


@transaction.atomic
def accept_invitation(code: str, user: User) -> Role:
    """Accept an owner's invitation: the user becomes a resident of the unit."""
    invitation = ResidentInvitation.objects.select_for_update().filter(code=code).first()
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("邀请码无效或已过期。"))
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    role = grant_role(
        user,
        RoleKind.RESIDENT,
        estate=invitation.estate,
        unit=invitation.unit,
        actor=invitation.invited_by,
    )
    audit.record("invitation.accepted", actor=user, obj=invitation, estate=invitation.estate)
    return role
