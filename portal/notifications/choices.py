"""Choices for notifications: what a message is about, how urgent, and how it travels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationCategory(models.TextChoices):
    NOTICE = "notice", _("公告")
    ASSEMBLY = "assembly", _("业主大会")
    CONSULTATION = "consultation", _("征求意见")
    DELIBERATION = "deliberation", _("议事")
    ACTION_ITEM = "action_item", _("督办事项")
    ACCOUNT = "account", _("账户")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    IMPORTANT = "important", _("重要")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


# The channels a member may switch per category; the in-site inbox is always on.
SWITCHABLE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECHAT)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("立即发送")
    DAILY_DIGEST = "daily", _("每日摘要")
    OFF = "off", _("不接收")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("待分发")
    DISPATCHED = "dispatched", _("已分发")
    EMPTY = "empty", _("无收件人")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    DIGEST = "digest", _("待并入摘要")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class SkipReason(models.TextChoices):
    NONE = "", _("无")
    PREFERENCE_OFF = "preference_off", _("本人已关闭")
    NO_ADDRESS = "no_address", _("未留邮箱或未验证手机号")
    NOT_BOUND = "not_bound", _("未绑定微信")
    NOT_URGENT_ENOUGH = "not_urgent_enough", _("一般通知不发短信")
    READ_IN_INBOX = "read_in_inbox", _("已在站内阅读")
    WITHHELD = "withheld", _("所引用的内容已隐藏、删除或待审核")
    NOT_A_READER = "not_a_reader", _("已无权查看所涉内容")


class DigestStatus(models.TextChoices):
    COLLECTING = "collecting", _("汇总中")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
