"""Notifications: one batch per event, one inbox item and one delivery per channel per person.

The database, not the code path, guarantees "never twice": an inbox item is unique per
(dedupe key, user), a delivery per (batch, user, channel), a digest per (user, day), and a
sender claims a delivery by moving it from queued to sending before calling the channel.

A batch about someone's content (a post, a notice) refers to it (`subject`) instead of
copying its words; what the inbox, email, digest and SMS show of it is read from the
content's own state when shown or sent (portal.notifications.subjects).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.notifications.choices import (
    BatchStatus,
    Channel,
    DeliveryStatus,
    DigestStatus,
    EmailMode,
    NotificationCategory,
    SkipReason,
    Urgency,
)


class NotificationBatch(models.Model):
    """One event told to many people: what `notify()` records before the fan-out runs."""

    category = models.CharField(_("类别"), max_length=20, choices=NotificationCategory.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    estate = models.ForeignKey(
        "community.Estate",
        verbose_name=_("小区"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification_batches",
    )
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True, db_index=True)
    # The content the batch is about, read afresh (through its app's visibility rule)
    # whenever the item is shown or sent; its words are never copied into title or body.
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("关于的内容类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("关于的内容"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # Whether the message quotes the subject's words (a new reply) rather than only being
    # about it (a notice that a post was hidden); a quote withheld is not emailed or texted.
    quote_subject = models.BooleanField(_("引用内容"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The recipients as requested, kept on the batch so the request writes one row and each
    # fan-out task reads its own slice; a retried task reads the same slice.
    recipient_ids = models.JSONField(_("收件人"), default=list, blank=True)
    recipient_count = models.PositiveIntegerField(_("收件人数"), default=0)
    chunk_size = models.PositiveIntegerField(_("每批人数"), default=500)
    status = models.CharField(
        _("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("分发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知批次")
        verbose_name_plural = _("通知批次")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="notification_batch_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject_type__isnull=True, subject_id__isnull=True)
                | models.Q(subject_type__isnull=False, subject_id__isnull=False),
                name="notification_batch_subject_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(quote_subject=False) | models.Q(subject_id__isnull=False),
                name="notification_batch_quotes_a_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def chunk_count(self) -> int:
        return -(-self.recipient_count // self.chunk_size) if self.recipient_count else 0

    def chunk(self, index: int) -> list[int]:
        """Return the recipient ids of one fan-out slice."""
        start = index * self.chunk_size
        return list(self.recipient_ids[start : start + self.chunk_size])


class Notification(models.Model):
    """One item in one person's in-site inbox."""

    batch = models.ForeignKey(
        NotificationBatch,
        verbose_name=_("通知批次"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Copied from the batch (or a per-batch key when none was given) so the database refuses
    # a second inbox item for the same event and person, whichever batch brings it.
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        constraints = [
            models.UniqueConstraint(fields=["batch", "user"], name="notification_once_per_batch"),
            models.UniqueConstraint(
                fields=["dedupe_key", "user"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} → {self.user_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Digest(models.Model):
    """One daily digest email for one person; unique per day so a retry finds it sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notification_digests",
    )
    day = models.DateField(_("日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DigestStatus.choices, default=DigestStatus.COLLECTING
    )
    item_count = models.PositiveIntegerField(_("条数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("每日摘要")
        verbose_name_plural = _("每日摘要")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class Delivery(models.Model):
    """One person × one outbound channel (email or SMS) for one batch.

    The in-site inbox needs no delivery row: the Notification row is the delivery.
    An email waiting for the daily digest is a delivery in status `digest`; the digest that
    carries it is recorded on the row.
    """

    batch = models.ForeignKey(
        NotificationBatch,
        verbose_name=_("通知批次"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    skip_reason = models.CharField(
        _("未发送原因"), max_length=20, choices=SkipReason.choices, blank=True, default=""
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # Set when a sender claims the row, so it sends exactly the rows it claimed.
    claim_token = models.CharField(max_length=32, blank=True, default="", db_index=True)
    digest = models.ForeignKey(
        Digest,
        verbose_name=_("每日摘要"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "user", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "channel", "user"], name="delivery_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} → {self.user_id} ({self.channel})"


class NotificationPreference(models.Model):
    """Whether one person wants one category by one channel (email or SMS).

    No row means the default: on. The in-site inbox has no switch.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    category = models.CharField(_("类别"), max_length=20, choices=NotificationCategory.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "channel"], name="preference_once_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category} {self.channel} {self.enabled}"


class EmailSetting(models.Model):
    """How one person takes email: at once, in a daily digest, or not at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="email_setting",
    )
    mode = models.CharField(
        _("邮件接收方式"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("邮件接收方式")
        verbose_name_plural = _("邮件接收方式")

    def __str__(self) -> str:
        return f"{self.user_id} {self.mode}"
