"""The owners' evaluation of the property service (物业服务满意度测评).

A fixed questionnaire: one 1–5 score per service area (ServiceArea) plus a comment. One
response per head (SPC interpretation Art. 9: all units of one owner are one person), enforced
by a unique constraint on (evaluation, owner identity); responses are append-only. Each keeps
the owner's exclusive area (share-weighted, exact integer millionths of a m²) so results are
weighted by heads and by area, like consultations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosures.choices import SCORE_MAX, SCORE_MIN, EvaluationOccasion, ServiceArea
from portal.community.append_only import AppendOnlyModel
from portal.community.models import Estate, OwnerIdentity


class ServiceEvaluation(models.Model):
    """One evaluation round, opened by the committee for a year (and before a renewal vote)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="service_evaluations", verbose_name=_("小区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    occasion = models.CharField(
        _("类型"),
        max_length=20,
        choices=EvaluationOccasion.choices,
        default=EvaluationOccasion.ANNUAL,
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("物业服务满意度测评")
        verbose_name_plural = _("物业服务满意度测评")
        ordering = ["-year", "-opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "year", "occasion"], name="evaluation_once_per_year_and_occasion"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="evaluation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.year} · {self.get_occasion_display()}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class EvaluationResponse(AppendOnlyModel):
    """One head's answers: written once, never edited."""

    evaluation = models.ForeignKey(
        ServiceEvaluation, on_delete=models.PROTECT, related_name="responses"
    )
    identity = models.ForeignKey(
        OwnerIdentity, on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The head's exclusive area when answering, co-owned units by share (㎡ × 10⁶, exact).
    area_weight = models.BigIntegerField(default=0)
    comment = models.TextField(_("总体意见"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        constraints = [
            # One response per head (SPC interpretation Art. 9), whatever the application does.
            models.UniqueConstraint(
                fields=["evaluation", "identity"], name="evaluation_one_per_head"
            ),
            models.CheckConstraint(
                condition=Q(area_weight__gte=0), name="evaluation_area_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.identity_id}"


class EvaluationScore(AppendOnlyModel):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.PROTECT, related_name="scores"
    )
    area = models.CharField(_("服务项目"), max_length=20, choices=ServiceArea.choices)
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("测评评分")
        verbose_name_plural = _("测评评分")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "area"], name="evaluation_score_once_per_area"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="evaluation_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.area} · {self.score}"


class CompanyReply(models.Model):
    """The property company's public answer to the published results, with its plan."""

    evaluation = models.OneToOneField(
        ServiceEvaluation, on_delete=models.PROTECT, related_name="reply"
    )
    body = models.TextField(_("答复"), max_length=4000)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("物业答复")
        verbose_name_plural = _("物业答复")

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.replied_at:%Y-%m-%d}"


class ImprovementItem(models.Model):
    """One step of the improvement plan; the committee can make it an action item (督办事项)."""

    reply = models.ForeignKey(CompanyReply, on_delete=models.PROTECT, related_name="items")
    area = models.CharField(_("服务项目"), max_length=20, choices=ServiceArea.choices, blank=True)
    text = models.CharField(_("整改措施"), max_length=300)
    due_date = models.DateField(_("完成期限"))
    action_item = models.OneToOneField(
        "oversight.ActionItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["reply_id", "pk"]

    def __str__(self) -> str:
        return self.text
