"""Choices of joint meetings and action items."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingState(models.TextChoices):
    """Planned → held (minutes recorded) → minutes published; or planned → cancelled."""

    PLANNED = "planned", _("已召集")
    HELD = "held", _("已召开")
    PUBLISHED = "published", _("纪要已公开")
    CANCELLED = "cancelled", _("已取消")


class MeetingChangeKind(models.TextChoices):
    RESCHEDULED = "rescheduled", _("改期")
    CANCELLED = "cancelled", _("取消")


class WorkState(models.TextChoices):
    """What the responsible party reports; 已逾期 is derived (see ActionStatus)."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class ActionStatus(models.TextChoices):
    """The status people see: the work state, or 已逾期 when past due and not done."""

    NOT_STARTED = WorkState.NOT_STARTED.value, WorkState.NOT_STARTED.label
    IN_PROGRESS = WorkState.IN_PROGRESS.value, WorkState.IN_PROGRESS.label
    DONE = WorkState.DONE.value, WorkState.DONE.label
    OVERDUE = "overdue", _("已逾期")


class EvidenceKind(models.TextChoices):
    NONE = "", _("无")
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文件")
