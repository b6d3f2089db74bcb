"""Choices of the deliberation domain: kinds of thread, their states, and moderation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.community.choices import Party


class ThreadKind(models.TextChoices):
    TOPIC = "topic", _("议题")
    ISSUE = "issue", _("问题反映")
    QUESTION = "question", _("咨询")


class IssueCategory(models.TextChoices):
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    # A question about a line of the property company's disclosure (disclosures app).
    INQUIRY = "inquiry", _("询问")


# Who answers an issue report unless someone reassigns it: repairs and complaints about
# service go to the property company (物业服务合同), suggestions about the estate's common
# affairs to the owners' committee.
DEFAULT_PARTY = {
    IssueCategory.REPAIR: Party.PROPERTY,
    IssueCategory.COMPLAINT: Party.PROPERTY,
    IssueCategory.SUGGESTION: Party.COMMITTEE,
    IssueCategory.INQUIRY: Party.PROPERTY,
}


class ThreadState(models.TextChoices):
    """Issue reports move 待响应 → 处理中 → 已解决 → 已关闭; topics and questions stay open."""

    OPEN = "open", _("讨论中")
    PENDING = "pending", _("待响应")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("待审核")
    HIDDEN = "hidden", _("已隐藏")
    DELETED = "deleted", _("已删除")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("垃圾广告")
    ABUSE = "abuse", _("辱骂攻击")
    PERSONAL_INFO = "personal_info", _("泄露个人信息（如手机号）")
    OFF_TOPIC = "off_topic", _("与主题无关")
    RUMOUR = "rumour", _("谣言")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("已成立")
    DISMISSED = "dismissed", _("已驳回")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    UPHELD = "upheld", _("申诉成立，已恢复")
    REJECTED = "rejected", _("申诉驳回")


class EscalationLevel(models.IntegerChoices):
    COMMITTEE = 1, _("业主委员会")
    COMMUNITY = 2, _("社区居委会")


class DeadlineKind(models.TextChoices):
    RESPONSE = "response", _("首次响应")
    CLOSURE = "closure", _("办结")


class DeadlineStatus(models.TextChoices):
    """Where one deadline of an issue report stands (deliberation/models/threads.py decides).

    The four cover every report exactly once: met, met late, missed (not done and past due),
    or not yet due.
    """

    ON_TIME = "on_time", _("按时")
    LATE = "late", _("超时完成")
    MISSED = "missed", _("已逾期")
    WAITING = "waiting", _("未到期")

    # Properties, not members: templates ask `status.is_missed` of the computed status.
    @property
    def is_late(self) -> bool:
        return self == DeadlineStatus.LATE

    @property
    def is_missed(self) -> bool:
        return self == DeadlineStatus.MISSED


# An issue report the responsible party still has to act on.
OPEN_ISSUE_STATES = (ThreadState.PENDING, ThreadState.IN_PROGRESS)
