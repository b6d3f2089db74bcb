"""Choices of the petitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureChannel(models.TextChoices):
    ONLINE = "online", _("线上签名")
    PAPER = "paper", _("书面签名（业委会录入）")


class PetitionEventKind(models.TextChoices):
    REACHED = "reached", _("达到法定比例")
    WITHDRAWN = "withdrawn", _("发起人撤回")
    ANNOUNCED = "announced", _("已发布会议公告")
    ESCALATED = "escalated", _("逾期未召集，已报告居委会和街道")


class PetitionState(models.TextChoices):
    OPEN = "open", _("征集签名中")
    REACHED = "reached", _("已达到法定比例，待业委会召集")
    ESCALATED = "escalated", _("业委会逾期未召集，已报告居委会和街道")
    ANNOUNCED = "announced", _("已发布会议公告")
    WITHDRAWN = "withdrawn", _("已撤回")
