"""Choices of the consultations domain: who is asked, how names are shown, what is asked, and
how each opinion was handled."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    OWNERS = "owners", _("仅认证业主")
    RESIDENTS = "residents", _("全体业主和住户")


class ParticipantVisibility(models.TextChoices):
    PUBLIC = "public", _("公开参与人姓名（脱敏）")
    COMMITTEE = "committee", _("参与人姓名仅业委会可见")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SCALE = "scale", _("1–5 分评分")
    TEXT = "text", _("文字回答")

    @classmethod
    def with_choices(cls) -> tuple[str, ...]:
        return (cls.SINGLE, cls.MULTIPLE)


class Handling(models.TextChoices):
    """How the committee handled one opinion (意见采纳情况)."""

    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("不采纳")
    NOTED = "noted", _("已知悉")

    @classmethod
    def needing_reason(cls) -> tuple[str, ...]:
        return (cls.PARTLY, cls.NOT_ADOPTED)


class Phase(models.TextChoices):
    """Where a consultation stands in time."""

    UPCOMING = "upcoming", _("未开始")
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("已截止")


SCALE_MIN = 1
SCALE_MAX = 5
