"""Owners' proposals (业主提案), the estate's rules for them, and supports (支持).

A proposal is written by a verified owner and collects supports, one per head (the roll's
head rule). At the estate's threshold the committee or property company owes a public
answer by a deadline. Supports are one generic, append-only table: the same click supports
a proposal, a discussion post or a consultation opinion (one per member there).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import ReportReason, ReportStatus
from portal.community import moderation_seen
from portal.community.append_only import AppendOnlyModel
from portal.community.choices import Party
from portal.community.models import Estate
from proposals import rules
from proposals.choices import Outcome, ProposalStatus, SupportTarget


class ProposalSettings(models.Model):
    """An estate's own rules for proposals (its rules of procedure may set them)."""

    estate = models.OneToOneField(
        Estate, on_delete=models.CASCADE, related_name="proposal_settings", verbose_name=_("小区")
    )
    threshold_percent = models.DecimalField(
        _("支持门槛（占总人数的百分比）"),
        max_digits=5,
        decimal_places=2,
        default=rules.DEFAULT_SHARE_PERCENT,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("按业主人数计（一人多套计为一人，开发商计为一人），默认 5%。"),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("答复期限（天）"),
        default=rules.DEFAULT_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("提案达到支持门槛后，业委会或物业应在多少天内公开答复，默认 15 天。"),
    )

    class Meta:
        verbose_name = _("提案规则")
        verbose_name_plural = _("提案规则")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate: Estate) -> ProposalSettings:
        """Return the estate's settings, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)


class ProposalQuerySet(models.QuerySet):
    def with_support_counts(self) -> ProposalQuerySet:
        """Annotate `support_total`: supporting heads, in one subquery."""
        counts = (
            Support.objects.filter(target=SupportTarget.PROPOSAL, object_id=models.OuterRef("pk"))
            .order_by()
            .values("object_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            support_total=models.functions.Coalesce(
                models.Subquery(counts, output_field=models.IntegerField()), 0
            )
        )

    def unanswered(self) -> ProposalQuerySet:
        return self.filter(status=ProposalStatus.AWAITING_ANSWER)

    def shown(self) -> ProposalQuerySet:
        """Narrow to the proposals whose words may be shown (proposals.visibility, in SQL)."""
        # proposals.visibility reads these models: imported when first asked.
        from proposals import visibility

        return visibility.shown_proposals(self)


class Proposal(models.Model):
    """One owner's proposal, its progress to the threshold, and the public answer."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("小区")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("提案人"),
    )
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("提案内容"), help_text=_("经过净化的 HTML"))
    thread = models.OneToOneField(
        "deliberation.Thread",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("讨论"),
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.COLLECTING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    # Fixed when the threshold is reached: the figures it was reached against.
    reached_at = models.DateTimeField(_("达到门槛时间"), null=True, blank=True)
    heads_at_threshold = models.PositiveIntegerField(_("达到门槛时总人数"), null=True, blank=True)
    needed_at_threshold = models.PositiveIntegerField(_("门槛人数"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("应答复时间"), null=True, blank=True)
    # The public answer.
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answering_party = models.CharField(
        _("答复方"), max_length=20, choices=Party.choices, blank=True
    )
    answer = models.TextField(_("答复"), blank=True)
    referred_party = models.CharField(_("转交给"), max_length=20, choices=Party.choices, blank=True)
    outcome = models.CharField(_("采纳方式"), max_length=20, choices=Outcome.choices, blank=True)
    consultation = models.ForeignKey(
        "consultations.ConsultationPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_proposals",
        verbose_name=_("征求意见"),
    )
    assembly = models.ForeignKey(
        "voting.AssemblyPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_proposals",
        verbose_name=_("业主大会"),
    )
    motion_title = models.CharField(_("表决事项"), max_length=200, blank=True)
    action_item = models.ForeignKey(
        "oversight.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_proposals",
        verbose_name=_("督办事项"),
    )

    # Moderation, as for posts (deliberation.moderation): hidden_at is set while the proposal's
    # title and body are hidden; proposals.visibility is the one reading of it.
    hidden_reason = models.CharField(
        _("隐藏原因"), max_length=20, choices=ReportReason.choices, blank=True
    )
    hidden_note = models.CharField(_("隐藏说明"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("隐藏人"),
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    # Hidden automatically by reports, until a moderator confirms or restores it.
    review_pending = models.BooleanField(_("等待版主复核"), default=False)
    # The author's one request for review of the current hiding (like a post's appeal).
    review_text = models.CharField(_("复核申请理由"), max_length=1000, blank=True)
    review_requested_at = models.DateTimeField(_("申请复核时间"), null=True, blank=True)
    review_decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("举报次数"), default=0)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("业主提案")
        verbose_name_plural = _("业主提案")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["estate", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(answer=""),
                name="proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_party=""),
                name="proposal_referral_names_party",
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | ~Q(outcome=""),
                name="proposal_adoption_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["collecting", "awaiting"]) | Q(answered_at__isnull=False),
                name="proposal_answer_has_time",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="proposal_hiding_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.estate.slug, self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_shown(self) -> bool:
        """Whether its words may be shown: neither hidden nor held (proposals.visibility)."""
        # proposals.visibility reads these models: imported when first asked.
        from proposals import visibility

        return visibility.is_shown(self)

    @property
    def seen_fingerprint(self) -> str:
        """The version of its words a moderator's approval names (portal.community.moderation_seen)."""
        return moderation_seen.of_proposal(self)

    @property
    def review_awaited(self) -> bool:
        """The author asked for review of the current hiding and no moderator answered yet."""
        return self.review_requested_at is not None and self.review_decided_at is None

    @property
    def withheld_line(self) -> str:
        """The placeholder while hidden ("该提案已被隐藏：原因"), else "" (proposals.visibility)."""
        # proposals.visibility reads these models: imported when first asked.
        from proposals import visibility

        return visibility.withheld_line(self)

    @property
    def shown_title(self) -> str:
        """The title, or the placeholder while the proposal is hidden (proposals.visibility)."""
        # proposals.visibility reads these models: imported when first asked.
        from proposals import visibility

        return visibility.shown_title(self)

    @property
    def is_answered(self) -> bool:
        return self.status in ProposalStatus.answered()

    @property
    def is_referred(self) -> bool:
        return self.status == ProposalStatus.REFERRED

    @property
    def answer_kind(self) -> str:
        return self.status if self.is_answered else ""

    def answered_in_time(self) -> bool | None:
        if self.answered_at is None or self.answer_due_at is None:
            return None
        return rules.answered_in_time(self.answer_due_at, self.answered_at)

    def is_overdue(self, now=None) -> bool:
        return rules.is_overdue(self.answer_due_at, self.answered_at, now or timezone.now())


class ProposalReport(models.Model):
    """A member's report of a proposal, as PostReport is of a post: once per member."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="reports", verbose_name=_("提案")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("举报人"),
    )
    reason = models.CharField(_("举报原因"), max_length=20, choices=ReportReason.choices)
    detail = models.CharField(_("补充说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("举报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提案举报")
        verbose_name_plural = _("提案举报")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reporter"], name="proposal_report_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.reason}"


class Support(AppendOnlyModel):
    """One support (支持): one per head on a proposal, one per member on a post or opinion.

    `head` is the key the database keeps unique per target: the roll's head group for a
    proposal ("identities:3,7", "developer", "unit:12"), the account ("user:5") elsewhere.
    There is no dislike and no withdrawal: a support is a public record, written once.
    """

    target = models.CharField(_("支持对象"), max_length=20, choices=SupportTarget.choices)
    object_id = models.BigIntegerField()
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="supports", verbose_name=_("小区")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supports",
        verbose_name=_("支持人"),
    )
    head = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("支持时间"), default=timezone.now)

    class Meta:
        verbose_name = _("支持")
        verbose_name_plural = _("支持")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "object_id", "head"], name="support_once_per_head"
            ),
            models.UniqueConstraint(
                fields=["target", "object_id", "user"], name="support_once_per_member"
            ),
        ]
        indexes = [models.Index(fields=["user", "target"])]

    def __str__(self) -> str:
        return f"{self.target}:{self.object_id} · {self.user_id}"
