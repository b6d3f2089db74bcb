"""Register import jobs: one upload of the owner register, its progress and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.community.models.places import Estate


class RegisterImportJob(models.Model):
    """One upload of an owner register (业主名册) and what came of it.

    Large files are imported by a background task; the admin page polls `done` / `total`.
    The parsed rows wait in `pending_rows` only until the task has run, and are then cleared,
    because they carry ID-document numbers in the clear.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        SUCCEEDED = "succeeded", _("导入成功")
        FAILED = "failed", _("导入失败")

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="register_imports", verbose_name=_("小区")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    pending_rows = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("名册导入任务")
        verbose_name_plural = _("名册导入任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.estate} · {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    @property
    def percent(self) -> int:
        """Return progress as a whole percentage (100 once finished)."""
        if self.is_finished:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
