"""Choices of the voting domain: the matters of Civil Code Art. 278, channels, states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Matter(models.TextChoices):
    """The matters owners decide jointly (Civil Code Art. 278, items 1–9)."""

    RULES_OF_PROCEDURE = "1", _("制定和修改业主大会议事规则")
    MANAGEMENT_COVENANT = "2", _("制定和修改管理规约")
    COMMITTEE_ELECTION = "3", _("选举业主委员会或者更换业主委员会成员")
    PROPERTY_COMPANY = "4", _("选聘和解聘物业服务企业或者其他管理人")
    USE_MAINTENANCE_FUND = "5", _("使用建筑物及其附属设施的维修资金")
    RAISE_MAINTENANCE_FUND = "6", _("筹集建筑物及其附属设施的维修资金")
    REBUILD = "7", _("改建、重建建筑物及其附属设施")
    CHANGE_COMMON_USE = "8", _("改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER_MAJOR = "9", _("有关共有和共同管理权利的其他重大事项")


class MotionKind(models.TextChoices):
    RESOLUTION = "resolution", _("决议（同意／反对／弃权）")
    ELECTION = "election", _("选举（候选人与席位）")


class MeetingForm(models.TextChoices):
    ONLINE_AND_PAPER = "online_paper", _("线上投票与书面征求意见相结合")
    ONLINE = "online", _("线上投票")
    PAPER = "paper", _("书面征求意见")


class AssemblyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ANNOUNCED = "announced", _("已公告")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class ChannelPriority(models.TextChoices):
    """Which vote stands when one right voted both online and on paper."""

    ONLINE = "online", _("以线上投票为准")
    PAPER = "paper", _("以书面投票为准")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上")
    PROXY = "proxy", _("委托投票")
    PAPER = "paper", _("书面")

    @classmethod
    def channel_class(cls, channel: str) -> str:
        """Return the class a channel belongs to: online and proxy share one current ballot."""
        return ChannelClass.PAPER if channel == cls.PAPER else ChannelClass.ELECTRONIC


class ChannelClass(models.TextChoices):
    ELECTRONIC = "electronic", _("线上（含委托）")
    PAPER = "paper", _("书面")


class VoteChoice(models.TextChoices):
    """Every resolution offers these three; abstaining is taking part (Civil Code Art. 278)."""

    AGREE = "agree", _("同意")
    OPPOSE = "oppose", _("反对")
    ABSTAIN = "abstain", _("弃权")


class RightKind(models.TextChoices):
    PERSON = "person", _("业主")
    DEVELOPER = "developer", _("建设单位")
    UNREGISTERED = "unregistered", _("未登记业主的房屋")


class ProxyStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ObjectionKind(models.TextChoices):
    """What an owner says is wrong with their entries on the published roll (名册异议)."""

    WRONG_AREA = "area", _("专有部分面积有误")
    MISSING_UNIT = "missing_unit", _("漏登房屋")
    WRONG_GROUPING = "grouping", _("人数归并有误")
    OTHER = "other", _("其他")


class RollCorrection(models.TextChoices):
    """How an upheld objection corrected who owns which unit (the register's corrections)."""

    ASSIGN = "assign", _("补登房屋")  # missing unit: registered to the objector
    MERGE = "merge", _("同一业主合并为一人")  # one buyer counted as two heads
    SPLIT = "split", _("不同业主分开计算")  # two buyers counted as one head
