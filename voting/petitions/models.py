"""Petitions, their signatures and milestones: every row is written once and kept.

A petition's text is fixed when it is opened (owners sign that text); signatures, their
withdrawals and the petition's milestones (reached, withdrawn, announced, escalated) are
separate append-only rows, refused UPDATE and DELETE by the model and by database triggers
(migration 0002), so the state of a petition is always read from its history.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import ReportReason
from portal.community.append_only import AppendOnlyModel
from portal.community.models import Estate, OwnerIdentity
from portal.community.storage import RandomName, private_storage
from voting.petition_rules import PETITION_THRESHOLD
from voting.petitions.choices import PetitionEventKind, PetitionState, SignatureChannel

LEGAL_PERCENT = int(PETITION_THRESHOLD * 100)  # 20
DEFAULT_ANNOUNCE_DAYS = 30
MAX_ANNOUNCE_DAYS = 60


class PetitionSettings(models.Model):
    """An estate's rules for petitions: the shares its rules of procedure set, and the deadline."""

    estate = models.OneToOneField(
        Estate, on_delete=models.CASCADE, related_name="petition_settings", verbose_name=_("小区")
    )
    area_percent = models.PositiveSmallIntegerField(
        _("提议所需面积比例（%）"),
        default=LEGAL_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(LEGAL_PERCENT)],
        help_text=_("法定为 20%；议事规则可规定更低的比例，不得更高。"),
    )
    heads_percent = models.PositiveSmallIntegerField(
        _("提议所需人数比例（%）"),
        default=LEGAL_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(LEGAL_PERCENT)],
        help_text=_("法定为 20%；议事规则可规定更低的比例，不得更高。"),
    )
    announce_days = models.PositiveSmallIntegerField(
        _("业委会发布会议公告的期限（日）"),
        default=DEFAULT_ANNOUNCE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ANNOUNCE_DAYS)],
        help_text=_("提议达到比例后，业委会须在此期限内发布临时会议公告，逾期报告居委会和街道。"),
    )

    class Meta:
        verbose_name = _("临时会议提议规则")
        verbose_name_plural = _("临时会议提议规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_percent__gte=1, area_percent__lte=LEGAL_PERCENT)
                & Q(heads_percent__gte=1, heads_percent__lte=LEGAL_PERCENT),
                name="petition_share_at_most_legal",
            ),
            models.CheckConstraint(
                condition=Q(announce_days__gte=1, announce_days__lte=MAX_ANNOUNCE_DAYS),
                name="petition_announce_days_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate: Estate) -> PetitionSettings:
        """Return the estate's settings, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)


class PetitionQuerySet(models.QuerySet):
    def with_events(self) -> PetitionQuerySet:
        return self.prefetch_related("events")

    def with_moderation(self) -> PetitionQuerySet:
        """Prefetch the moderation history (voting.petitions.visibility reads its last row)."""
        return self.prefetch_related("moderations")


class Petition(AppendOnlyModel):
    """A proposal that the committee convene an extraordinary meeting, as its opener wrote it."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("小区")
    )
    title = models.CharField(_("提议事项"), max_length=120)
    matters = models.TextField(_("提请会议审议的事项"), max_length=4000)
    reason = models.TextField(_("提议理由"), max_length=4000)
    draft_motions = models.TextField(_("议案草稿（选填）"), max_length=8000, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    # The estate's rules when the petition opened: a later change does not move the goalposts.
    area_percent = models.PositiveSmallIntegerField(_("面积比例（%）"))
    heads_percent = models.PositiveSmallIntegerField(_("人数比例（%）"))
    announce_days = models.PositiveSmallIntegerField(_("召集期限（日）"))

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("临时会议提议")
        verbose_name_plural = _("临时会议提议")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_percent__gte=1, area_percent__lte=LEGAL_PERCENT)
                & Q(heads_percent__gte=1, heads_percent__lte=LEGAL_PERCENT),
                name="petition_row_share_at_most_legal",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.estate.slug, self.pk])

    @property
    def area_share(self) -> Fraction:
        return Fraction(self.area_percent, 100)

    @property
    def heads_share(self) -> Fraction:
        return Fraction(self.heads_percent, 100)

    def event(self, kind: str) -> PetitionEvent | None:
        """Return the milestone of that kind, if it happened (reads prefetched events)."""
        return next((e for e in self.events.all() if e.kind == kind), None)

    @property
    def state(self) -> str:
        """Return the state the petition's milestones add up to."""
        kinds = {e.kind for e in self.events.all()}
        if PetitionEventKind.WITHDRAWN in kinds:
            return PetitionState.WITHDRAWN
        if PetitionEventKind.ANNOUNCED in kinds:
            return PetitionState.ANNOUNCED
        if PetitionEventKind.ESCALATED in kinds:
            return PetitionState.ESCALATED
        if PetitionEventKind.REACHED in kinds:
            return PetitionState.REACHED
        return PetitionState.OPEN

    def get_state_display(self) -> str:
        return str(PetitionState(self.state).label)

    @property
    def is_open(self) -> bool:
        return self.state == PetitionState.OPEN

    @property
    def announce_due_at(self) -> datetime | None:
        reached = self.event(PetitionEventKind.REACHED)
        return reached.due_at if reached else None

    def announce_overdue(self, now: datetime | None = None) -> bool:
        """Return whether the committee is past its deadline and has not announced."""
        due = self.announce_due_at
        return bool(
            due
            and self.state in (PetitionState.REACHED, PetitionState.ESCALATED)
            and (now or timezone.now()) > due
        )


class PetitionSignature(AppendOnlyModel):
    """One owner identity's signature: online by the owner, or a paper one the committee entered.

    One row per petition and identity, ever: a withdrawn signature is not signed again.
    """

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("提议")
    )
    identity = models.ForeignKey(
        OwnerIdentity, on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    channel = models.CharField(_("方式"), max_length=10, choices=SignatureChannel.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签名账户"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    scan = models.FileField(
        _("书面提议扫描件"),
        upload_to=RandomName("petitions"),
        storage=private_storage,
        blank=True,
    )
    signed_at = models.DateTimeField(_("签名时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提议签名")
        verbose_name_plural = _("提议签名")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "identity"], name="petition_signature_once_per_identity"
            ),
            models.CheckConstraint(
                condition=(Q(channel="online", signed_by__isnull=False, entered_by__isnull=True))
                | (Q(channel="paper", entered_by__isnull=False) & ~Q(scan="")),
                name="petition_signature_channel_fits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} · {self.identity_id}"


class SignatureWithdrawal(AppendOnlyModel):
    """A signature taken back before the threshold was reached."""

    signature = models.OneToOneField(
        PetitionSignature, on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("撤回签名")
        verbose_name_plural = _("撤回签名")


class PetitionEvent(AppendOnlyModel):
    """A milestone of a petition, each at most once: reached, withdrawn, announced, escalated."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=PetitionEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reached: the deadline to announce the meeting, and the count that reached it.
    due_at = models.DateTimeField(_("召集期限"), null=True, blank=True)
    signed_area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    signed_heads = models.PositiveIntegerField(null=True, blank=True)
    total_area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_heads = models.PositiveIntegerField(null=True, blank=True)
    # Announced: the meeting the committee convened.
    assembly = models.ForeignKey(
        "voting.AssemblyPage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("提议进程")
        verbose_name_plural = _("提议进程")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "kind"], name="petition_event_once"),
            models.CheckConstraint(
                condition=~Q(kind="reached") | Q(due_at__isnull=False),
                name="petition_reached_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(kind="announced") | Q(assembly__isnull=False),
                name="petition_announced_has_assembly",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} · {self.kind}"


class PetitionModeration(AppendOnlyModel):
    """A moderator hid a petition's words (title and texts) with a reason, or showed them again.

    The petition's text is its legal record and is never rewritten: moderation is its own
    history, and the latest row is the state (voting.petitions.visibility). Hiding withholds
    the words from other readers only; signatures, counts and the thresholds are untouched.
    """

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="moderations", verbose_name=_("提议")
    )
    hidden = models.BooleanField(_("隐藏"))
    reason = models.CharField(
        _("隐藏原因"), max_length=20, choices=ReportReason.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("版主")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提议的版主处理")
        verbose_name_plural = _("提议的版主处理")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(reason=""), name="petition_hiding_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} · {'hidden' if self.hidden else 'restored'}"
