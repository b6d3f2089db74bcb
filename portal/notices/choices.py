"""Choices of the notices domain: what a notice is about, how urgent, and where it stands in time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.community.choices import Party


class NoticeCategory(models.TextChoices):
    MAINTENANCE = "maintenance", _("维修施工")
    OUTAGE = "outage", _("停水停电")
    FEES = "fees", _("费用公示")
    MEETING = "meeting", _("会议通知")
    ELECTION = "election", _("选举公告")
    RESOLUTION = "resolution", _("决议公告")
    SAFETY = "safety", _("安全提示")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    """The notification contract's urgency values, so they pass through unchanged."""

    NORMAL = "normal", _("普通")
    IMPORTANT = "important", _("重要")
    URGENT = "urgent", _("紧急")


class Issuer(models.TextChoices):
    """Who signs a notice: the parties of community.choices.Party that publish to owners."""

    PROPERTY = Party.PROPERTY.value, Party.PROPERTY.label
    COMMITTEE = Party.COMMITTEE.value, Party.COMMITTEE.label
    COMMUNITY = Party.COMMUNITY.value, Party.COMMUNITY.label


class TimeState(models.TextChoices):
    """Where a notice stands in time (see NoticePage.time_state for the definition)."""

    CURRENT = "current", _("当前")
    UPCOMING = "upcoming", _("即将生效")
    EXPIRED = "expired", _("已过期")
