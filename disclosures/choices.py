"""Choices of the disclosures domain: sections of a disclosure, its states, reviews, and the
service areas of the owners' evaluation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """The tables of a disclosure (Civil Code Art. 943, 282)."""

    SERVICE = "service", _("服务事项")
    FEE = "fee", _("收费项目")
    COLLECTION = "collection", _("物业费收缴")
    COMMON_INCOME = "common_income", _("共有部分经营收益")
    FUND = "fund", _("专项维修资金")


class DisclosureState(models.TextChoices):
    """A disclosure moves 草稿 → 待审核 → 已公开; a published one is frozen."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待业委会审核")
    PUBLISHED = "published", _("已公开")


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("确认")
    QUERIED = "queried", _("质询")


class Timeliness(models.TextChoices):
    """How one expected period's disclosure stands against its deadline (one definition:
    disclosures.deadlines.timeliness)."""

    ON_TIME = "on_time", _("按时公开")
    LATE = "late", _("逾期公开")
    MISSING = "missing", _("逾期未公开")
    NOT_DUE = "not_due", _("未到期")


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("未开始")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("已公布")


class EvaluationOccasion(models.TextChoices):
    ANNUAL = "annual", _("年度测评")
    BEFORE_RENEWAL = "before_renewal", _("续聘或选聘前测评")


class ServiceArea(models.TextChoices):
    """The fixed questionnaire of 物业服务满意度测评: one 1–5 score per area."""

    ORDER = "order", _("秩序维护")
    CLEANING = "cleaning", _("保洁")
    GREENING = "greening", _("绿化")
    REPAIRS = "repairs", _("维修")
    CUSTOMER = "customer", _("客服")


SCORE_MIN = 1
SCORE_MAX = 5
