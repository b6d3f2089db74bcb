"""Moderation records: reports on posts, appeals, and blocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import AppealStatus, ReportReason, ReportStatus
from deliberation.models.posts import Post
from portal.community.models import Estate


class PostReport(models.Model):
    """One member's report of a post; a member reports a post once."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("举报原因"), max_length=20, choices=ReportReason.choices)
    detail = models.CharField(_("补充说明"), max_length=300, blank=True)
    status = models.CharField(
        _("处理状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="report_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · #{self.post_id}"


class Appeal(models.Model):
    """The author's one appeal against hiding a post, decided by another moderator."""

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="appeal")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("申诉理由"), max_length=1000)
    # The moderator who hid the post (empty when it was hidden automatically).
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("复核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(hidden_by__isnull=True)
                | ~Q(decided_by=F("hidden_by")),
                name="appeal_decided_by_another_moderator",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("author")),
                name="appeal_not_decided_by_author",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.post_id} · {self.get_status_display()}"


class UserBlockQuerySet(models.QuerySet):
    def active(self, now=None) -> UserBlockQuerySet:
        return self.filter(lifted_at__isnull=True, until__gt=now or timezone.now())


class UserBlock(models.Model):
    """A member may not post in an estate until a time, for a stated reason."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="user_blocks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deliberation_blocks"
    )
    until = models.DateTimeField(_("禁言至"))
    reason = models.CharField(_("禁言原因"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = UserBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("禁言")
        verbose_name_plural = _("禁言")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.until:%Y-%m-%d}"
