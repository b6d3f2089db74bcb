"""Periodic disclosures (信息公开): what the property company must make known each period
(Civil Code Art. 943) and the income of the common parts that belongs to the owners (Art. 282).

A disclosure is written (in the admin or from the XLSX template) while it is a draft, reviewed
line by line by the committee, then published. Publishing writes the first DisclosureRecord:
the whole content as canonical JSON with its SHA-256. From then on the disclosure and its lines
are frozen, in the model and by database triggers (migration 0002); a correction is another
record that states the old and new values and the content after it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from disclosures import periods
from disclosures.choices import DisclosureState, ReviewDecision, Section
from portal.community.append_only import AppendOnlyModel
from portal.community.models import Estate

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 10, "decimal_places": 4}
DEFAULT_PERIOD_MONTHS = 3
DEFAULT_DUE_DAYS = 30


class FrozenError(RuntimeError):
    """A published disclosure, its lines and reviews cannot be changed (use a correction)."""


def _money(label: Any) -> models.DecimalField:
    return models.DecimalField(label, null=True, blank=True, **MONEY)


class DisclosureSchedule(models.Model):
    """How often an estate's property company discloses, and how long it has to do it."""

    PERIOD_CHOICES = [(1, _("每月")), (3, _("每季度")), (6, _("每半年")), (12, _("每年"))]

    estate = models.OneToOneField(
        Estate, on_delete=models.CASCADE, related_name="disclosure_schedule", verbose_name=_("小区")
    )
    period_months = models.PositiveSmallIntegerField(
        _("公开周期"), choices=PERIOD_CHOICES, default=DEFAULT_PERIOD_MONTHS
    )
    due_days = models.PositiveSmallIntegerField(
        _("期满后公开期限（天）"),
        default=DEFAULT_DUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    first_period_start = models.DateField(
        _("首个公开期间的开始日期"),
        help_text=_("从这一期起，每期到期未公开即为逾期。"),
    )

    panels = [
        FieldPanel("estate"),
        FieldPanel("period_months"),
        FieldPanel("due_days"),
        FieldPanel("first_period_start"),
    ]

    class Meta:
        verbose_name = _("信息公开周期")
        verbose_name_plural = _("信息公开周期")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_months__in=[1, 3, 6, 12]), name="disclosure_period_months"
            ),
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=120), name="disclosure_due_days_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_period_months_display()}"


class Disclosure(ClusterableModel):
    """One estate's disclosure for one period, with the totals its tables must add up to."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("小区")
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    state = models.CharField(
        _("状态"), max_length=20, choices=DisclosureState.choices, default=DisclosureState.DRAFT
    )
    # Declared totals, as the company states them; every table must add up to them.
    collection_receivable = _money(_("物业费应收合计（元）"))
    collection_received = _money(_("物业费实收合计（元）"))
    common_income_total = _money(_("共有部分收入合计（元）"))
    common_cost_total = _money(_("共有部分成本合计（元）"))
    owners_share_total = _money(_("业主共有收益合计（元）"))
    fund_opening = _money(_("维修资金期初余额（元）"))
    fund_closing = _money(_("维修资金期末余额（元）"))
    source_file = models.CharField(_("导入文件"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开人"),
    )

    panels = [
        FieldPanel("estate"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("collection_receivable"), FieldPanel("collection_received")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("common_income_total"),
                        FieldPanel("common_cost_total"),
                        FieldPanel("owners_share_total"),
                    ]
                ),
                FieldRowPanel([FieldPanel("fund_opening"), FieldPanel("fund_closing")]),
            ],
            heading=_("合计"),
        ),
        InlinePanel("lines", heading=_("明细"), label=_("明细行")),
    ]

    class Meta:
        verbose_name = _("信息公开")
        verbose_name_plural = _("信息公开")
        ordering = ["-period_start", "estate_id"]
        constraints = [
            # One disclosure per estate and period: a second import of the same period is refused.
            models.UniqueConstraint(
                fields=["estate", "period_start"], name="disclosure_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="disclosure_period_order",
            ),
            models.CheckConstraint(
                condition=~Q(state=DisclosureState.PUBLISHED) | Q(published_at__isnull=False),
                name="disclosure_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return periods.period_label(self.period_start, self.period_end)

    @property
    def is_published(self) -> bool:
        return self.state == DisclosureState.PUBLISHED

    @property
    def is_draft(self) -> bool:
        """With the property company, which may still edit and submit it."""
        return self.state == DisclosureState.DRAFT

    @property
    def is_submitted(self) -> bool:
        """Waiting for the committee's line-by-line review."""
        return self.state == DisclosureState.SUBMITTED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and not self._state.adding:
            stored = (
                Disclosure.objects.filter(pk=self.pk).values_list("published_at", flat=True).first()
            )
            if stored is not None:
                raise FrozenError("A published disclosure is frozen; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        if self.published_at is not None:
            raise FrozenError("A published disclosure cannot be deleted.")
        return super().delete(*args, **kwargs)


class DisclosureLine(models.Model):
    """One line of one table. Which columns it uses depends on its section:

    - 服务事项: label, responsible, standard
    - 收费项目: label, rate (元/㎡·月, exact to 4 places), note
    - 物业费收缴: label, receivable, received
    - 共有部分经营收益: label (source), income, cost, owners_share (= income − cost)
    - 专项维修资金: label, inflow or outflow, decision (the assembly decision for a use)
    """

    disclosure = ParentalKey(Disclosure, on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(_("类别"), max_length=20, choices=Section.choices)
    position = models.PositiveIntegerField(_("序号"), default=0)
    label = models.CharField(_("项目"), max_length=200)
    responsible = models.CharField(_("负责人"), max_length=60, blank=True)
    standard = models.CharField(_("质量标准"), max_length=500, blank=True)
    rate = models.DecimalField(_("收费标准（元/㎡·月）"), null=True, blank=True, **RATE)
    receivable = _money(_("应收（元）"))
    received = _money(_("实收（元）"))
    income = _money(_("收入（元）"))
    cost = _money(_("成本（元）"))
    owners_share = _money(_("业主收益（元）"))
    inflow = _money(_("资金收入（元）"))
    outflow = _money(_("资金使用（元）"))
    decision = models.CharField(
        _("业主大会决定"),
        max_length=200,
        blank=True,
        help_text=_("维修资金每笔使用须写明批准它的业主大会决定。"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("section"), FieldPanel("label")]),
        FieldRowPanel([FieldPanel("responsible"), FieldPanel("standard")]),
        FieldRowPanel([FieldPanel("rate"), FieldPanel("receivable"), FieldPanel("received")]),
        FieldRowPanel([FieldPanel("income"), FieldPanel("cost"), FieldPanel("owners_share")]),
        FieldRowPanel([FieldPanel("inflow"), FieldPanel("outflow"), FieldPanel("decision")]),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("明细行")
        verbose_name_plural = _("明细行")
        ordering = ["disclosure_id", "section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rate__isnull=True) | Q(rate__gte=0))
                & (Q(receivable__isnull=True) | Q(receivable__gte=0))
                & (Q(received__isnull=True) | Q(received__gte=0))
                & (Q(income__isnull=True) | Q(income__gte=0))
                & (Q(cost__isnull=True) | Q(cost__gte=0))
                & (Q(inflow__isnull=True) | Q(inflow__gte=0))
                & (Q(outflow__isnull=True) | Q(outflow__gte=0)),
                name="disclosure_line_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} · {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Disclosure.objects.filter(pk=self.disclosure_id, published_at__isnull=False).exists():
            raise FrozenError("The lines of a published disclosure are frozen.")
        super().save(*args, **kwargs)

    @property
    def needs_decision(self) -> bool:
        """A maintenance-fund use that names no assembly decision (Civil Code Art. 278 (5))."""
        return self.section == Section.FUND and bool(self.outflow) and not self.decision.strip()


class LineReview(models.Model):
    """The committee's decision on one line: confirmed, or queried with a reason."""

    line = models.OneToOneField(DisclosureLine, on_delete=models.CASCADE, related_name="review")
    decision = models.CharField(_("审核结果"), max_length=20, choices=ReviewDecision.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("逐行审核")
        verbose_name_plural = _("逐行审核")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.QUERIED) | ~Q(reason=""),
                name="line_query_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_id} · {self.get_decision_display()}"


class DisclosureRecord(AppendOnlyModel):
    """One published state of a disclosure: the publication (sequence 1) or a correction.

    `content` is the whole disclosure after this record, canonical JSON whose SHA-256 is
    `sha256`; a correction also lists each change with its old and new value, and why.
    """

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("公开")
        CORRECTION = "correction", _("更正")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="records")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    previous_sha256 = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公开记录")
        verbose_name_plural = _("公开记录")
        ordering = ["disclosure_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "sequence"], name="disclosure_record_sequence"
            ),
            models.CheckConstraint(
                condition=Q(kind="publication", sequence=1)
                | (Q(kind="correction", sequence__gt=1) & ~Q(reason="")),
                name="disclosure_record_kind_sequence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id} · {self.sequence} · {self.sha256[:12]}"


class LineQuestion(AppendOnlyModel):
    """A question about one line: an issue report (deliberation) linked to the line it asks about."""

    line = models.ForeignKey(DisclosureLine, on_delete=models.PROTECT, related_name="questions")
    thread = models.OneToOneField(
        "deliberation.Thread", on_delete=models.PROTECT, related_name="disclosure_question"
    )
    from_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("明细询问")
        verbose_name_plural = _("明细询问")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.thread_id}"


def money_sum(values) -> Decimal:
    """Return the exact sum of the non-empty amounts (Decimal, never float)."""
    return sum((Decimal(v) for v in values if v is not None), Decimal("0"))
