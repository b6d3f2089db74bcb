"""Threads: topics, issue reports and questions of one estate, and who answers for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import IssueCategory, ThreadKind, ThreadState
from portal.community.choices import Party
from portal.community.models import Estate
from portal.community.storage import RandomName, private_storage

# A note long enough to say what was done and short enough to read on a phone.
RESOLUTION_NOTE_MIN = 5
RESOLUTION_NOTE_MAX = 2000


class Tag(models.Model):
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="thread_tags")
    name = models.CharField(_("标签"), max_length=20)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="tag_once")]

    def __str__(self) -> str:
        return self.name


class ThreadQuerySet(models.QuerySet):
    def issue_reports(self) -> ThreadQuerySet:
        return self.filter(kind=ThreadKind.ISSUE)

    def listed(self) -> ThreadQuerySet:
        """Threads whose opening post is out of review (held ones show to moderators only)."""
        return self.filter(is_held=False)


class Thread(models.Model):
    """One conversation in an estate; an issue report also carries responsibility and deadlines."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="threads", verbose_name=_("小区")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ThreadKind.choices)
    category = models.CharField(
        _("问题类别"), max_length=20, choices=IssueCategory.choices, blank=True
    )
    title = models.CharField(_("标题"), max_length=120)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliberation_threads",
        verbose_name=_("发起人"),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_threads",
        verbose_name=_("关联页面"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads", verbose_name=_("标签"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ThreadState.choices, default=ThreadState.OPEN
    )
    responsible_party = models.CharField(
        _("责任方"), max_length=20, choices=Party.choices, blank=True
    )
    is_held = models.BooleanField(_("待审核"), default=False)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    last_post_at = models.DateTimeField(_("最后回复"), default=timezone.now)
    post_count = models.PositiveIntegerField(default=0)
    # Deadlines are fixed when the report is made, from the estate's DeadlinePolicy.
    response_due_at = models.DateTimeField(_("应首次响应时间"), null=True, blank=True)
    close_due_at = models.DateTimeField(_("应办结时间"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_automatically = models.BooleanField(default=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-last_post_at", "-pk"]
        indexes = [
            models.Index(fields=["estate", "-last_post_at"], name="thread_estate_recent"),
            models.Index(fields=["estate", "kind", "state"], name="thread_estate_kind_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ThreadKind.ISSUE) & ~Q(category=""))
                | (~Q(kind=ThreadKind.ISSUE) & Q(category="")),
                name="thread_category_only_for_issue_reports",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issue(self) -> bool:
        return self.kind == ThreadKind.ISSUE

    def is_response_overdue(self, now=None) -> bool:
        """Answered late or not yet answered after the due time (exactly at it is on time)."""
        if not self.is_issue or self.response_due_at is None:
            return False
        at = self.first_response_at or now or timezone.now()
        return at > self.response_due_at

    def is_closure_overdue(self, now=None) -> bool:
        if not self.is_issue or self.close_due_at is None:
            return False
        at = self.resolved_at or now or timezone.now()
        return at > self.close_due_at


class Follow(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_threads"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}"


class AppendOnly(models.Model):
    """Rows that are history: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("历史记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("历史记录不可删除。"))


class Assignment(AppendOnly):
    """Who answers for an issue report from this moment, who decided it and why."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="assignments")
    party = models.CharField(_("责任方"), max_length=20, choices=Party.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指派人"),
    )
    reason = models.CharField(_("原因"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("责任指派")
        verbose_name_plural = _("责任指派")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} · {self.thread_id}"


class Escalation(AppendOnly):
    """An overdue report brought to a higher level once (the unique row makes it idempotent)."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="escalations")
    deadline = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("逾期督办")
        verbose_name_plural = _("逾期督办")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "deadline", "level"], name="escalation_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.deadline} · L{self.level}"


class Resolution(AppendOnly):
    """What the responsible party did, reported when it marks an issue 已解决: a note, and
    optionally a photo (kept privately, shown to the estate's members). One per resolving;
    a reopened report that is resolved again gets another."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="resolutions")
    party = models.CharField(_("责任方"), max_length=20, choices=Party.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("处理说明"), max_length=RESOLUTION_NOTE_MAX)
    photo = models.FileField(
        _("现场照片"),
        upload_to=RandomName("deliberation/resolutions"),
        storage=private_storage,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("处理说明")
        verbose_name_plural = _("处理说明")
        ordering = ["created_at", "pk"]
        constraints = [
            # Civil accountability: "已解决" always says what was done.
            models.CheckConstraint(condition=~Q(note=""), name="resolution_has_note")
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.created_at:%Y-%m-%d %H:%M}"


class Satisfaction(models.Model):
    """The reporter's rating of how the report was handled (once)."""

    thread = models.OneToOneField(Thread, on_delete=models.PROTECT, related_name="satisfaction")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    party = models.CharField(_("责任方"), max_length=20, choices=Party.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.score}"
