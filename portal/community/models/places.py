"""Sub-districts, communities, estates, buildings and units."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.community.choices import AreaSource, UnitState


class SubDistrict(models.Model):
    """A sub-district (街道): the area a sub-district office serves."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    district = models.CharField(_("区"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community (社区), served by one residents' committee (居委会)."""

    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道")
    )
    name = models.CharField(_("名称"), max_length=100)
    residents_committee = models.CharField(_("居委会名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["sub_district", "name"], name="community_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    """A residential estate (小区): the unit of ownership, voting and content."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="estates", verbose_name=_("社区")
    )
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("网址标识"), max_length=60, unique=True, allow_unicode=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    property_company = models.CharField(_("物业服务企业"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sub_district_id(self) -> int:
        return self.community.sub_district_id

    def units(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(building__estate=self)


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("小区")
    )
    name = models.CharField(_("楼栋"), max_length=30, help_text=_("例如 3栋、3号楼"))
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["estate", "sort_key", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="building_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        digits = "".join(ch for ch in self.name if ch.isdigit())
        self.sort_key = int(digits[:6]) if digits else 0
        super().save(*args, **kwargs)


class Unit(models.Model):
    """A unit (专有部分): one flat or shop with its exclusive area in exact m²."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    number = models.CharField(_("房号"), max_length=30)
    floor = models.SmallIntegerField(_("楼层"))
    exclusive_area = models.DecimalField(
        _("专有部分面积（㎡）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("面积来源"), max_length=20, choices=AreaSource.choices, default=AreaSource.REGISTERED
    )
    state = models.CharField(
        _("房屋状态"), max_length=20, choices=UnitState.choices, default=UnitState.OWNED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building__sort_key", "building__name", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique"),
            models.CheckConstraint(condition=Q(exclusive_area__gt=0), name="unit_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.building.name}{self.number}"

    @property
    def label(self) -> str:
        return str(self)
