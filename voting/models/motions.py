"""What an assembly meeting's notice fixes besides the page: the motions put to the vote and
their candidates (frozen once the notice is published: motions not in the notice may not be
voted on), and the record that the community residents' committee was informed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from voting.choices import (
    AssemblyState,
    Matter,
    MotionKind,
)
from voting.models.assemblies import AssemblyPage, MotionsFrozenError, frozen_message


class Motion(Orderable, ClusterableModel):
    """One matter put to the vote (表决事项): a resolution, or an election with seats.

    Clusterable so that its own documents (a ParentalManyToManyField) are saved with the page
    and its revisions: modelcluster commits a child's many-to-many only from a cluster's save.
    """

    FROZEN_FIELDS = ("title", "text", "matter", "kind", "seats", "candidate_names", "sort_order")

    page = ParentalKey(AssemblyPage, on_delete=models.CASCADE, related_name="motions")
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    documents = ParentalManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="+", verbose_name=_("附件")
    )
    matter = models.CharField(
        _("事项类别（民法典第二百七十八条）"), max_length=2, choices=Matter.choices
    )
    kind = models.CharField(
        _("表决方式"), max_length=20, choices=MotionKind.choices, default=MotionKind.RESOLUTION
    )
    seats = models.PositiveSmallIntegerField(
        _("应选席位"),
        null=True,
        blank=True,
        help_text=_("仅选举：业主委员会委员为 5 至 11 人的单数。"),
    )
    candidate_names = models.TextField(
        _("候选人"),
        blank=True,
        help_text=_("仅选举：每行一位候选人。会议公告发布时生成候选人名单，此后不得更改。"),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("matter"),
        FieldPanel("kind"),
        FieldPanel("seats"),
        FieldPanel("candidate_names"),
        FieldPanel("documents"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")

    def __str__(self) -> str:
        return self.title

    @property
    def is_election(self) -> bool:
        return self.kind == MotionKind.ELECTION

    def candidate_name_list(self) -> list[str]:
        names = [line.strip() for line in self.candidate_names.splitlines()]
        return list(dict.fromkeys(name for name in names if name))

    def clean(self) -> None:
        super().clean()
        if self.kind == MotionKind.ELECTION:
            if not self.seats:
                raise ValidationError({"seats": _("选举事项须填写应选席位。")})
            if len(self.candidate_name_list()) < 1:
                raise ValidationError({"candidate_names": _("选举事项须至少有一位候选人。")})
        elif self.seats or self.candidate_names.strip():
            raise ValidationError(_("决议事项不设候选人和席位；如为选举，请将表决方式改为选举。"))

    def _assembly_frozen(self) -> bool:
        if not self.page_id:
            return False
        return (
            AssemblyPage.objects.filter(pk=self.page_id).exclude(state=AssemblyState.DRAFT).exists()
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Motions not in the notice may not be voted on: after publication nothing changes.
        if self._assembly_frozen():
            stored = (
                Motion.objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first()
                if self.pk
                else None
            )
            if stored is None or any(
                stored[name] != getattr(self, name) for name in self.FROZEN_FIELDS
            ):
                raise MotionsFrozenError(frozen_message())
        super().save(*args, **kwargs)


@receiver(pre_delete, sender=Motion)
def _refuse_deleting_frozen_motion(sender, instance: Motion, **kwargs) -> None:
    if instance._assembly_frozen():
        raise MotionsFrozenError(frozen_message())


class Candidate(models.Model):
    """A candidate of an election motion, fixed when the notice is published."""

    motion = models.ForeignKey(
        Motion, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("表决事项")
    )
    name = models.CharField(_("姓名"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "name"], name="candidate_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ResidentsCommitteeNotice(models.Model):
    """That (and how) the community residents' committee was informed of the meeting."""

    assembly = models.ForeignKey(
        AssemblyPage, on_delete=models.PROTECT, related_name="committee_notices"
    )
    informed_at = models.DateTimeField(_("告知时间"))
    informed_whom = models.CharField(_("告知对象"), max_length=100)
    how = models.CharField(_("告知方式"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("告知居委会记录")
        verbose_name_plural = _("告知居委会记录")
        ordering = ["-informed_at"]

    def __str__(self) -> str:
        return f"{self.informed_whom} {self.informed_at:%Y-%m-%d}"
