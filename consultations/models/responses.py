"""What participants said: one response per participant, its answers and opinions, the history
of its edits, and the committee's report of how every opinion was handled.

Plain models (pages publish, models remember); PROTECT towards the consultation page.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from consultations.choices import Handling
from deliberation.choices import ReportReason
from portal.community import moderation_seen


class Response(models.Model):
    """One participant's response to one consultation; edited in place until the close.

    The weights are the respondent's share of units and of exclusive area from the owner
    register, taken when they last saved; co-owned units count by share, so co-owners who
    both respond never count a unit twice.
    """

    consultation = models.ForeignKey(
        "consultations.ConsultationPage",
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("征求意见稿"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_responses",
        verbose_name=_("参与人"),
    )
    # Exact integers, so SQL SUM is exact on every backend (SQLite keeps decimals as floats):
    # units in ten-thousandths (ownership shares have 4 decimals), area in millionths of a m²
    # (2-decimal areas times 4-decimal shares).
    unit_weight = models.BigIntegerField(_("户数权重（×10⁴）"), default=0)
    area_weight = models.BigIntegerField(_("面积权重（㎡×10⁶）"), default=0)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最后修改"), default=timezone.now)
    edit_count = models.PositiveIntegerField(_("修改次数"), default=0)

    class Meta:
        verbose_name = _("意见反馈")
        verbose_name_plural = _("意见反馈")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], name="consultation_one_response_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} · {self.user_id}"

    @property
    def units(self) -> Decimal:
        return units_from_weight(self.unit_weight)

    @property
    def area(self) -> Decimal:
        return area_from_weight(self.area_weight)


UNIT_SCALE = 4
AREA_SCALE = 6


def units_from_weight(weight: int | None) -> Decimal:
    return Decimal(weight or 0).scaleb(-UNIT_SCALE)


def area_from_weight(weight: int | None) -> Decimal:
    return Decimal(weight or 0).scaleb(-AREA_SCALE)


class Answer(models.Model):
    """One answer row: a chosen option (one row per option of a multiple choice), a score, or
    a text. Normalised so results are SQL GROUP BY aggregates, never Python loops."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "consultations.ConsultationQuestion", on_delete=models.PROTECT, related_name="answers"
    )
    choice = models.PositiveSmallIntegerField(_("选项"), null=True, blank=True)
    scale = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    text = models.TextField(_("回答"), blank=True)
    # A text answer's moderation, as an opinion's (consultations.visibility is the one reading
    # of it): held for a moderator or hidden with a reason; the response still counts.
    held_reason = models.CharField(_("待审原因"), max_length=200, blank=True)
    hidden_reason = models.CharField(
        _("隐藏原因"), max_length=20, choices=ReportReason.choices, blank=True
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("隐藏人"),
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="answer_choice_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_value_once",
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_range",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="answer_hiding_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"

    @cached_property
    def consultation(self):
        """Return the consultation answered (assignable, so a listing sets it without a query)."""
        return self.response.consultation

    @property
    def seen_fingerprint(self) -> str:
        """The version of its words a moderator's approval names (portal.community.moderation_seen)."""
        return moderation_seen.of_answer(self)

    @property
    def author_id(self) -> int:
        return self.response.user_id


class Opinion(models.Model):
    """An opinion (意见) on one section of the draft, or overall (empty anchor).

    Points at the section's stable anchor and keeps the heading as it was, so the opinion
    survives edits of the draft. The committee's handling is recorded here once it closes.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="opinions")
    consultation = models.ForeignKey(
        "consultations.ConsultationPage",
        on_delete=models.PROTECT,
        related_name="opinions",
        verbose_name=_("征求意见稿"),
    )
    section_anchor = models.SlugField(_("章节锚点"), max_length=40, blank=True)
    section_heading = models.CharField(_("章节标题"), max_length=200, blank=True)
    body = models.TextField(_("意见"), help_text=_("经过净化的 HTML"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    handling = models.CharField(_("处理结果"), max_length=20, choices=Handling.choices, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # Moderation, as for posts (consultations.visibility is the one reading of it): held for
    # a moderator (sensitive word, the estate's pre-moderation), or hidden with a reason. The
    # opinion still counts and its handling is still published; only its words are withheld.
    held_reason = models.CharField(_("待审原因"), max_length=200, blank=True)
    hidden_reason = models.CharField(
        _("隐藏原因"), max_length=20, choices=ReportReason.choices, blank=True
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("隐藏人"),
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "section_anchor"], name="opinion_once_per_section"
            ),
            models.CheckConstraint(
                condition=Q(handling="")
                | Q(handling__in=["adopted", "noted"])
                | (Q(handling__in=["partly", "not_adopted"]) & ~Q(reason="")),
                name="opinion_reason_when_not_fully_adopted",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="opinion_hiding_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "section_anchor"])]

    def __str__(self) -> str:
        return f"{self.section_heading or _('总体意见')} · {self.pk}"

    @property
    def is_overall(self) -> bool:
        return not self.section_anchor

    @property
    def seen_fingerprint(self) -> str:
        """The version of its words a moderator's approval names (portal.community.moderation_seen)."""
        return moderation_seen.of_opinion(self)


class ResponseRevision(models.Model):
    """What a response said before an edit: the answers and opinions it replaced."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="revisions")
    saved_at = models.DateTimeField(default=timezone.now)
    content = models.JSONField()

    class Meta:
        verbose_name = _("意见修改记录")
        verbose_name_plural = _("意见修改记录")
        ordering = ["saved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.saved_at:%Y-%m-%d %H:%M}"


class ResponseReport(models.Model):
    """The published report of how every opinion was handled (意见采纳情况)."""

    consultation = models.OneToOneField(
        "consultations.ConsultationPage",
        on_delete=models.PROTECT,
        related_name="response_report",
        verbose_name=_("征求意见稿"),
    )
    summary = models.TextField(_("总体说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("意见采纳情况")
        verbose_name_plural = _("意见采纳情况")

    def __str__(self) -> str:
        return f"{self.consultation_id} · {self.published_at:%Y-%m-%d}"
