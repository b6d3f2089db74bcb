"""The electoral roll (投票权登记), frozen when voting opens."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.community.append_only import AppendOnlyModel
from portal.community.models import OwnerIdentity, Unit
from voting.choices import RightKind
from voting.models.assemblies import AssemblyPage


def new_pseudonym() -> str:
    """Return a random id that stands for a voting right in the public ledger."""
    return secrets.token_hex(8)


class ElectoralRoll(AppendOnlyModel):
    """The roll of one assembly with its totals: the denominators of the quorum."""

    assembly = models.OneToOneField(
        AssemblyPage, on_delete=models.PROTECT, related_name="roll", verbose_name=_("业主大会会议")
    )
    frozen_at = models.DateTimeField(_("冻结时间"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_area = models.DecimalField(_("专有部分总面积（㎡）"), max_digits=14, decimal_places=2)
    total_heads = models.PositiveIntegerField(_("业主总人数"))
    total_units = models.PositiveIntegerField(_("房屋总套数"))
    # SHA-256 of the roll as frozen (voting/LEDGER.md), published in the opening notice and
    # bound into every ledger entry; empty for rolls frozen before it existed.
    roll_hash = models.CharField(_("名册哈希"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("选民名册")
        verbose_name_plural = _("选民名册")

    def __str__(self) -> str:
        return gettext("%(assembly)s 的选民名册") % {"assembly": self.assembly_id}


class VotingRight(AppendOnlyModel):
    """One head (SPC interpretation Art. 9) with the exact sum of its units' areas."""

    roll = models.ForeignKey(ElectoralRoll, on_delete=models.PROTECT, related_name="rights")
    assembly = models.ForeignKey(AssemblyPage, on_delete=models.PROTECT, related_name="rights")
    kind = models.CharField(_("类型"), max_length=20, choices=RightKind.choices)
    pseudonym = models.CharField(_("匿名编号"), max_length=32, unique=True, default=new_pseudonym)
    area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=14, decimal_places=2)
    unit_count = models.PositiveIntegerField(_("房屋套数"))
    holder_name = models.CharField(_("业主（脱敏）"), max_length=100, blank=True)
    holders = models.ManyToManyField(
        OwnerIdentity, related_name="voting_rights", blank=True, verbose_name=_("权利人")
    )

    class Meta:
        verbose_name = _("投票权")
        verbose_name_plural = _("投票权")
        ordering = ["id"]
        indexes = [models.Index(fields=["assembly", "kind"])]

    def __str__(self) -> str:
        return self.explain()

    def explain(self) -> str:
        """Return the right in words, e.g. 3 套房屋，合计 270.00 ㎡，计 1 人."""
        return gettext("%(units)s 套房屋，合计 %(area)s ㎡，计 1 人") % {
            "units": self.unit_count,
            "area": f"{self.area:.2f}",
        }

    def unit_labels(self) -> list[str]:
        return [f"{u.building_name}{u.unit_number}" for u in self.units.all()]


class VotingRightUnit(AppendOnlyModel):
    """A unit of a right, copied as it was at freezing: later register edits do not reach it."""

    right = models.ForeignKey(VotingRight, on_delete=models.PROTECT, related_name="units")
    assembly = models.ForeignKey(AssemblyPage, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    building_name = models.CharField(_("楼栋"), max_length=30)
    unit_number = models.CharField(_("房号"), max_length=30)
    exclusive_area = models.DecimalField(
        _("专有部分面积（㎡）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("投票权房屋")
        verbose_name_plural = _("投票权房屋")
        ordering = ["id"]
        constraints = [
            # A unit is counted once per roll: in exactly one right.
            models.UniqueConstraint(fields=["assembly", "unit"], name="roll_unit_once")
        ]

    def __str__(self) -> str:
        return f"{self.building_name}{self.unit_number}"
