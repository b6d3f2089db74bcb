"""Roles people hold, and how residents and owners come to hold them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.choices import ClaimStatus, RoleKind
from portal.community.models.places import Community, Estate, SubDistrict, Unit
from portal.community.storage import RandomName, private_storage


class RoleQuerySet(models.QuerySet):
    def active(self) -> RoleQuerySet:
        return self.filter(revoked_at__isnull=True)


class Role(models.Model):
    """A role a user holds, scoped to exactly one estate, community or sub-district.

    Roles are revoked, never deleted, so the history of who could do what stays.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("角色"), max_length=30, choices=RoleKind.choices)
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_roles",
        help_text=_("住户所住的房屋"),
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            # Exactly one scope, and the one that fits the kind.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=RoleKind.estate_kinds(),
                        estate__isnull=False,
                        community__isnull=True,
                        sub_district__isnull=True,
                    )
                    | Q(
                        kind=RoleKind.COMMUNITY_OFFICIAL,
                        estate__isnull=True,
                        community__isnull=False,
                        sub_district__isnull=True,
                    )
                    | Q(
                        kind=RoleKind.SUBDISTRICT_OFFICIAL,
                        estate__isnull=True,
                        community__isnull=True,
                        sub_district__isnull=False,
                    )
                ),
                name="role_scope_fits_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "kind", scope],
                    condition=Q(revoked_at__isnull=True, **{f"{scope}__isnull": False}),
                    name=f"role_active_unique_{scope}",
                )
                for scope in ("estate", "community", "sub_district")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.scope}"

    @property
    def scope(self) -> Estate | Community | SubDistrict | None:
        return self.estate or self.community or self.sub_district


class MembershipClaim(models.Model):
    """An application to be recognised as owner or resident of a unit, decided by staff."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("业主认证")
        RESIDENT = "resident", _("住户加入")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership_claims"
    )
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="membership_claims")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="membership_claims")
    kind = models.CharField(_("申请类型"), max_length=20, choices=Kind.choices)
    claimant_name = models.CharField(_("申请人姓名"), max_length=60)
    note = models.TextField(_("说明"), blank=True, max_length=1000)
    evidence = models.FileField(
        _("证明材料"),
        upload_to=RandomName("claims"),
        storage=private_storage,
        blank=True,
        help_text=_("房产证、购房合同或租赁合同的照片"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("认证申请")
        verbose_name_plural = _("认证申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "kind"],
                condition=Q(status="pending"),
                name="claim_pending_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"

    @property
    def is_approved(self) -> bool:
        return self.status == ClaimStatus.APPROVED


def _new_invitation_code() -> str:
    return secrets.token_urlsafe(12)


class ResidentInvitation(models.Model):
    """An owner's invitation for a tenant or family member to join as a resident of a unit."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=32, unique=True, default=_new_invitation_code)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("住户邀请")
        verbose_name_plural = _("住户邀请")

    def __str__(self) -> str:
        return f"{self.unit} · {self.code}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
