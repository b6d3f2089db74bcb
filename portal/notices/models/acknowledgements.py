"""Acknowledgements (已读回执): who confirmed having read a notice, for which unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.models import Unit


class Acknowledgement(models.Model):
    """One member's "已阅" on one notice; kept even if the page is later unpublished."""

    notice = models.ForeignKey(
        "notices.NoticePage",
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("公告"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notice_acknowledgements",
        verbose_name=_("用户"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="notice_acknowledgements",
        verbose_name=_("房屋"),
        help_text=_("确认时该成员在通知范围内的房屋"),
    )
    at = models.DateTimeField(_("确认时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已读回执")
        verbose_name_plural = _("已读回执")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="acknowledgement_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.unit}"
