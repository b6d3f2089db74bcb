"""The certified result of an assembly meeting: a frozen snapshot, written once."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.append_only import AppendOnlyModel
from voting.models.assemblies import AssemblyPage


class AssemblyResult(AppendOnlyModel):
    """The committee's certification of the tallied result, with the tally as it was then.

    Append-only (the model and a database trigger refuse UPDATE and DELETE): the published
    result notice and the results files are rendered from this snapshot, so what was
    certified is what stays published.
    """

    assembly = models.OneToOneField(
        AssemblyPage,
        on_delete=models.PROTECT,
        related_name="result",
        verbose_name=_("业主大会会议"),
    )
    certified_at = models.DateTimeField(_("核定时间"), default=timezone.now)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("核定人"),
    )
    snapshot = models.JSONField(_("表决结果"), encoder=DjangoJSONEncoder)
    snapshot_sha256 = models.CharField(_("结果摘要（SHA-256）"), max_length=64)
    notice = models.ForeignKey(
        "notices.NoticePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决议公告"),
    )
    overdue = models.BooleanField(_("超过公布期限"), default=False)

    class Meta:
        verbose_name = _("表决结果")
        verbose_name_plural = _("表决结果")

    def __str__(self) -> str:
        return f"{self.assembly_id} @ {self.certified_at:%Y-%m-%d}"
