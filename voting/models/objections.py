"""Objections to the published roll (名册公示与异议), their decisions and any override.

After an assembly is announced, owners check their own entries and the roll's aggregates; an
objection is filed with evidence and decided by the committee with a reason before the roll
freezes. All three records are append-only (migration 0010 adds the database triggers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.append_only import AppendOnlyModel
from portal.community.models import OwnerIdentity, Unit
from portal.community.storage import RandomName, private_storage
from voting.choices import ObjectionKind, RollCorrection
from voting.models.assemblies import AssemblyPage


class RollObjection(AppendOnlyModel):
    """An owner's objection to their own entries on an announced assembly's roll."""

    assembly = models.ForeignKey(
        AssemblyPage, on_delete=models.PROTECT, related_name="roll_objections"
    )
    identity = models.ForeignKey(
        OwnerIdentity, on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("异议类型"), max_length=20, choices=ObjectionKind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    claimed_area = models.DecimalField(
        _("应为面积（㎡）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("异议说明"), max_length=2000)
    evidence = models.FileField(
        _("证明材料"), upload_to=RandomName("voting/objections"), storage=private_storage
    )
    filed_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("名册异议")
        verbose_name_plural = _("名册异议")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="area") | Q(unit__isnull=False, claimed_area__gt=0),
                name="roll_objection_area_names_unit_and_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id} · {self.get_kind_display()}"


class RollObjectionDecision(AppendOnlyModel):
    """The committee's decision on one objection, with its reason and any register correction."""

    objection = models.OneToOneField(
        RollObjection, on_delete=models.PROTECT, related_name="decision"
    )
    upheld = models.BooleanField(_("异议成立"))
    reason = models.TextField(_("决定理由"), max_length=2000)
    corrected_area = models.DecimalField(
        _("更正后的面积（㎡）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    correction = models.CharField(
        _("归属更正"), max_length=20, choices=RollCorrection.choices, blank=True
    )
    corrected_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更正的房屋"),
    )
    assigned_to = models.ForeignKey(
        OwnerIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更正后登记在"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("名册异议决定")
        verbose_name_plural = _("名册异议决定")
        constraints = [
            models.CheckConstraint(
                condition=Q(corrected_area__isnull=True) | Q(upheld=True),
                name="roll_objection_correction_only_if_upheld",
            ),
        ]


class RollObjectionOverride(AppendOnlyModel):
    """The committee's recorded decision to freeze the roll with objections still undecided."""

    assembly = models.ForeignKey(
        AssemblyPage, on_delete=models.PROTECT, related_name="roll_objection_overrides"
    )
    reason = models.TextField(_("理由"), max_length=2000)
    undecided = models.PositiveIntegerField(_("未决异议数"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("名册异议未决仍冻结的决定")
        verbose_name_plural = _("名册异议未决仍冻结的决定")
        ordering = ["at", "pk"]
