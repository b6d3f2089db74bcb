"""Choices of the community domain: how units are held and what roles people play."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaSource(models.TextChoices):
    """Where an exclusive area comes from (SPC interpretation Art. 8, in order of precedence)."""

    REGISTERED = "registered", _("不动产登记面积")
    SURVEYED = "surveyed", _("测绘面积")
    CONTRACT = "contract", _("合同面积")


class UnitState(models.TextChoices):
    OWNED = "owned", _("已售已交付")
    DEVELOPER_UNSOLD = "developer_unsold", _("开发商未售")
    SOLD_UNDELIVERED = "sold_undelivered", _("已售未交付")

    @classmethod
    def developer_held(cls) -> tuple[str, ...]:
        """Return the states in which the developer still holds the unit (SPC Art. 9)."""
        return (cls.DEVELOPER_UNSOLD, cls.SOLD_UNDELIVERED)


class IdentityKind(models.TextChoices):
    PERSON = "person", _("业主")
    DEVELOPER = "developer", _("建设单位")


class RoleKind(models.TextChoices):
    OWNER = "owner", _("业主")
    RESIDENT = "resident", _("住户")
    COMMITTEE_MEMBER = "committee_member", _("业委会委员")
    COMMITTEE_CHAIR = "committee_chair", _("业委会主任")
    PROPERTY_STAFF = "property_staff", _("物业员工")
    PROPERTY_MANAGER = "property_manager", _("物业经理")
    COMMUNITY_OFFICIAL = "community_official", _("社区工作人员")
    SUBDISTRICT_OFFICIAL = "subdistrict_official", _("街道工作人员")
    MODERATOR = "moderator", _("版主")

    @classmethod
    def estate_kinds(cls) -> tuple[str, ...]:
        return (
            cls.OWNER,
            cls.RESIDENT,
            cls.COMMITTEE_MEMBER,
            cls.COMMITTEE_CHAIR,
            cls.PROPERTY_STAFF,
            cls.PROPERTY_MANAGER,
            cls.MODERATOR,
        )

    @classmethod
    def committee(cls) -> tuple[str, ...]:
        return (cls.COMMITTEE_MEMBER, cls.COMMITTEE_CHAIR)

    @classmethod
    def property_company(cls) -> tuple[str, ...]:
        return (cls.PROPERTY_STAFF, cls.PROPERTY_MANAGER)

    @classmethod
    def officials(cls) -> tuple[str, ...]:
        return (cls.COMMUNITY_OFFICIAL, cls.SUBDISTRICT_OFFICIAL)

    @classmethod
    def staff(cls) -> tuple[str, ...]:
        """Return the roles that work in the admin and so must use MFA."""
        return (*cls.committee(), *cls.property_company(), *cls.officials(), cls.MODERATOR)


class Party(models.TextChoices):
    """The parties that answer to owners; used for issuers, responsibility and badges."""

    PROPERTY = "property", _("物业服务企业")
    COMMITTEE = "committee", _("业主委员会")
    COMMUNITY = "community", _("社区居委会")
    SUBDISTRICT = "subdistrict", _("街道办事处")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("公开")
    MEMBERS = "members", _("本小区成员可见")
    OWNERS = "owners", _("仅认证业主可见")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
