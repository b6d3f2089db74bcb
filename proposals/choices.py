"""Choices of owners' proposals (业主提案) and of supports (支持)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    COLLECTING = "collecting", _("征集支持中")
    AWAITING_ANSWER = "awaiting", _("待答复")
    ADOPTED = "adopted", _("已采纳")
    REJECTED = "rejected", _("不采纳")
    REFERRED = "referred", _("已转交")

    @classmethod
    def answered(cls) -> tuple[str, ...]:
        return (cls.ADOPTED, cls.REJECTED, cls.REFERRED)


class AnswerKind(models.TextChoices):
    """What the committee or property company answers to a proposal that reached its threshold."""

    ADOPT = "adopted", _("采纳")
    REJECT = "rejected", _("不采纳")
    REFER = "referred", _("转交")


class Outcome(models.TextChoices):
    """What an adopted proposal becomes."""

    CONSULTATION = "consultation", _("征求意见")
    MOTION = "motion", _("业主大会表决事项")
    ACTION_ITEM = "action_item", _("督办事项")


class SupportTarget(models.TextChoices):
    """What a support (支持) is given to; one support per head (proposals) or member (the rest)."""

    PROPOSAL = "proposal", _("业主提案")
    POST = "post", _("议事发言")
    OPINION = "opinion", _("征求意见的意见")
