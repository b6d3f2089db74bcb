"""The owner register (业主名册): who owns which unit."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.community.choices import IdentityKind
from portal.community.masking import mask_name, mask_phone
from portal.community.models.places import Estate, Unit


def hash_id_number(id_number: str) -> str:
    """Return the keyed hash under which an ID-document number is stored (never the number).

    A keyed HMAC, not a plain hash: ID numbers have so little entropy that an unkeyed
    hash could be reversed by enumeration.
    """
    key = (settings.ID_HASH_KEY or settings.SECRET_KEY).encode()
    normalized = id_number.strip().upper().replace(" ", "")
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


class OwnerIdentity(models.Model):
    """One owner as the register knows them, within one estate: a person or the developer.

    SPC interpretation Art. 9 counts heads by identity: all units of one buyer are one
    person, and all the developer's unsold or undelivered units are one person.
    """

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="owner_identities", verbose_name=_("小区")
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=IdentityKind.choices, default=IdentityKind.PERSON
    )
    name = models.CharField(_("姓名或名称"), max_length=100)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)
    id_hash = models.CharField(_("证件号码摘要"), max_length=64)
    id_last4 = models.CharField(_("证件号码后四位"), max_length=4, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_identities",
        verbose_name=_("关联账户"),
    )
    linked_at = models.DateTimeField(_("关联时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("业主身份")
        verbose_name_plural = _("业主身份")
        constraints = [
            models.UniqueConstraint(fields=["estate", "id_hash"], name="identity_id_unique"),
            models.UniqueConstraint(
                fields=["estate"],
                condition=Q(kind="developer"),
                name="one_developer_per_estate",
            ),
            models.UniqueConstraint(
                fields=["estate", "user"],
                condition=Q(user__isnull=False),
                name="one_identity_per_user_per_estate",
            ),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return self.name if self.kind == IdentityKind.DEVELOPER else mask_name(self.name)

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class Ownership(models.Model):
    """An identity's ownership of a unit, with its share where the unit is co-owned."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("房屋")
    )
    identity = models.ForeignKey(
        OwnerIdentity, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("业主")
    )
    since = models.DateField(_("取得日期"), null=True, blank=True)
    share = models.DecimalField(_("份额"), max_digits=5, decimal_places=4, default=Decimal("1"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("产权")
        verbose_name_plural = _("产权")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "identity"],
                condition=Q(ended_at__isnull=True),
                name="ownership_current_unique",
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="ownership_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.identity}"
