"""Threads: topics, issue reports and questions of one estate, and who answers for them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import (
    OPEN_ISSUE_STATES,
    DeadlineStatus,
    IssueCategory,
    ThreadKind,
    ThreadState,
)
from deliberation.visibility import shown_tags, shown_title
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


# --- The one definition of each issue-report figure ---------------------------------------
#
# Every page, the dashboard, escalation, the daily alerts and the open-data API ask these
# conditions (SQL) or their Python twins on Thread; deliberation/metrics.py aggregates them.
#
# - A report's two deadlines (response_due_at, close_due_at) are fixed when it is made, from
#   the estate's DeadlinePolicy (at most 24 h and 48 h); reassigning it does not move them.
# - Response: met ON_TIME when the responsible party's first official answer came at or before
#   response_due_at; LATE when after; MISSED when still unanswered and now past the due time;
#   WAITING when unanswered and not yet due. Closure likewise with resolved_at / close_due_at
#   (a reopened report is unresolved again).
# - Overdue (已逾期) means now: the report is still open (待响应 or 处理中) and has MISSED a
#   deadline. A report answered late is "answered late", not overdue.


def response_q(status: str, now: datetime) -> Q:
    """Return the SQL condition for a response DeadlineStatus at `now`."""
    return _deadline_q("first_response_at", "response_due_at", status, now)


def closure_q(status: str, now: datetime) -> Q:
    """Return the SQL condition for a closure DeadlineStatus at `now`."""
    return _deadline_q("resolved_at", "close_due_at", status, now)


def _deadline_q(done: str, due: str, status: str, now: datetime) -> Q:
    if status == DeadlineStatus.ON_TIME:
        return Q(**{f"{done}__lte": F(due)})
    if status == DeadlineStatus.LATE:
        return Q(**{f"{done}__gt": F(due)})
    if status == DeadlineStatus.MISSED:
        return Q(**{f"{done}__isnull": True, f"{due}__lt": now})
    if status == DeadlineStatus.WAITING:
        return Q(**{f"{done}__isnull": True, f"{due}__gte": now})
    raise ValueError(status)


def open_report_q() -> Q:
    """Return the SQL condition for a report its party still has to act on."""
    return Q(state__in=OPEN_ISSUE_STATES)


def overdue_q(now: datetime) -> Q:
    """Return the one SQL rule for an overdue report: open, and a deadline missed by `now`."""
    return open_report_q() & (
        response_q(DeadlineStatus.MISSED, now) | closure_q(DeadlineStatus.MISSED, now)
    )


def _deadline_status(done: datetime | None, due: datetime | None, now: datetime) -> str | None:
    if due is None:
        return None
    if done is not None:
        return DeadlineStatus.ON_TIME if done <= due else DeadlineStatus.LATE
    return DeadlineStatus.MISSED if due < now else DeadlineStatus.WAITING


class ThreadQuerySet(models.QuerySet):
    def issue_reports(self) -> ThreadQuerySet:
        return self.filter(kind=ThreadKind.ISSUE)

    def listed(self) -> ThreadQuerySet:
        """Threads whose opening post is out of review (held ones show to moderators only)."""
        return self.filter(is_held=False)

    def counted_reports(self) -> ThreadQuerySet:
        """Return the issue reports every figure counts: made and out of review.

        A held report has not reached its party yet (it is told on approval), so it is in
        no figure and escalates to nobody.
        """
        return self.issue_reports().listed()

    def made_between(self, start: datetime, end: datetime) -> ThreadQuerySet:
        """Return the reports made in [start, end) (a Period's start and end, Beijing dates)."""
        return self.filter(created_at__gte=start, created_at__lt=end)

    def overdue(self, now: datetime) -> ThreadQuerySet:
        """Return the counted reports that are overdue at `now` (see overdue_q)."""
        return self.counted_reports().filter(overdue_q(now))


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
    # The opening post is not published (held, hidden or deleted): its title is withheld
    # wherever the thread appears (deliberation.visibility). Kept by the actions that change
    # the opening post's status, so listings need no join.
    title_withheld = models.BooleanField(_("标题不显示"), default=False)
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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deliberation:thread_detail", args=[self.estate.slug, self.pk])

    @property
    def is_issue(self) -> bool:
        return self.kind == ThreadKind.ISSUE

    @property
    def awaits_resolution(self) -> bool:
        """An issue report not yet marked resolved (待响应 or 处理中)."""
        return self.state in OPEN_ISSUE_STATES

    @property
    def is_resolved(self) -> bool:
        """Marked resolved by the responsible party, waiting for the reporter's confirmation."""
        return self.state == ThreadState.RESOLVED

    @property
    def is_closed(self) -> bool:
        return self.state == ThreadState.CLOSED

    @property
    def shown_title(self) -> str:
        """Return the title as readers may see it (a placeholder while it is withheld)."""
        return shown_title(self)

    @property
    def shown_tags(self) -> list[Tag]:
        """Return the tags as readers may see them (none while the title is withheld)."""
        return shown_tags(self)

    def response_status(self, now: datetime | None = None) -> str | None:
        """Return the response's DeadlineStatus (the Python twin of response_q), or None."""
        if not self.is_issue:
            return None
        return _deadline_status(self.first_response_at, self.response_due_at, now or timezone.now())

    def closure_status(self, now: datetime | None = None) -> str | None:
        """Return the closure's DeadlineStatus (the Python twin of closure_q), or None."""
        if not self.is_issue:
            return None
        return _deadline_status(self.resolved_at, self.close_due_at, now or timezone.now())

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Return whether the report is overdue now (the Python twin of overdue_q)."""
        now = now or timezone.now()
        return (
            self.is_issue
            and not self.is_held
            and self.state in OPEN_ISSUE_STATES
            and DeadlineStatus.MISSED in (self.response_status(now), self.closure_status(now))
        )


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
