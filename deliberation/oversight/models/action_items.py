"""Action items (督办事项) and their append-only progress updates with evidence."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.oversight.choices import ActionStatus, EvidenceKind, WorkState
from portal.community.append_only import AppendOnlyModel
from portal.community.choices import Party
from portal.community.models import Estate
from portal.community.photos import PhotoBase
from portal.community.storage import private_storage


def local_today(now=None) -> date:
    """Return today's date in the site's time zone (Asia/Shanghai): the day deadlines use."""
    return timezone.localdate(now or timezone.now(), timezone=timezone.get_default_timezone())


def done_q(prefix: str = "") -> Q:
    """Return the SQL rule for 已完成 (`prefix` reaches the item through a relation)."""
    return Q(**{f"{prefix}state": WorkState.DONE})


def overdue_q(today: date, prefix: str = "") -> Q:
    """Return the one SQL rule for 已逾期: not done and due before today (due today is not late).

    `today` is a Beijing date (local_today); `prefix` reaches the item through a relation,
    e.g. "action_items__" from an estate.
    """
    return ~done_q(prefix) & Q(**{f"{prefix}due_date__lt": today})


# A filter value for "not done and not late" (未开始 or 进行中, on time).
OPEN = "open"


class ActionItemQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None) -> ActionItemQuerySet:
        return self.filter(overdue_q(today or local_today()))

    def with_status(self, today: date | None = None) -> ActionItemQuerySet:
        """Annotate `current_status` (an ActionStatus value) computed in SQL."""
        return self.annotate(
            current_status=Case(
                When(overdue_q(today or local_today()), then=Value(ActionStatus.OVERDUE.value)),
                default=F("state"),
                output_field=models.CharField(),
            )
        )

    def with_status_in(self, status: str, today: date | None = None) -> ActionItemQuerySet:
        """Filter by the status people see, overdue included (one SQL condition)."""
        today = today or local_today()
        if status == OPEN:
            return self.exclude(state=WorkState.DONE).exclude(overdue_q(today))
        if status == ActionStatus.OVERDUE:
            return self.overdue(today)
        if status == ActionStatus.DONE:
            return self.filter(state=WorkState.DONE)
        return self.filter(state=status).exclude(overdue_q(today))


class ActionItem(models.Model):
    """Something a named party must do for the estate by a date, tracked in the open."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("小区")
    )
    title = models.CharField(_("事项"), max_length=120)
    description = models.TextField(_("具体要求"), max_length=2000, blank=True)
    responsible_party = models.CharField(_("责任方"), max_length=20, choices=Party.choices)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("责任人"),
    )
    due_date = models.DateField(_("完成期限"))
    state = models.CharField(
        _("进展状态"), max_length=20, choices=WorkState.choices, default=WorkState.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    # Where the item comes from: a thread, a meeting decision, a consultation, an assembly.
    source_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_content_type", "source_object_id")
    # The source's name when the item was opened, shown if the source is later removed.
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The last day an overdue reminder was claimed (see actions.notify_overdue_items).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["estate", "state", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_item_progress_range"
            ),
            models.CheckConstraint(
                condition=~Q(state=WorkState.DONE) | Q(progress=100, completed_at__isnull=False),
                name="action_item_done_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(source_content_type__isnull=True, source_object_id__isnull=True)
                | Q(source_content_type__isnull=False, source_object_id__isnull=False),
                name="action_item_source_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight:item_detail", args=(self.estate.slug, self.pk))

    def status_on(self, today: date) -> str:
        """Return the ActionStatus value on that day (the Python twin of overdue_q)."""
        if self.state != WorkState.DONE and self.due_date < today:
            return ActionStatus.OVERDUE.value
        return self.state

    @property
    def status(self) -> str:
        return getattr(self, "current_status", None) or self.status_on(local_today())

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OVERDUE

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    @property
    def is_in_progress(self) -> bool:
        return self.status == ActionStatus.IN_PROGRESS

    def days_overdue(self, today: date) -> int | None:
        """Return how many days past its due date the item is on `today` (Beijing), or None
        when it is not overdue (done, or not yet past due: due today is 0 days, not late)."""
        if self.status_on(today) != ActionStatus.OVERDUE:
            return None
        return (today - self.due_date).days


def evidence_path(instance: ActionItemUpdate, filename: str) -> str:
    """Store evidence under a random name: the original name is kept in evidence_name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    today = timezone.localdate()
    return f"oversight/evidence/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ActionItemUpdate(AppendOnlyModel):
    """One progress report: who, when, the note, the progress and optional evidence.

    Append-only: the model refuses to save an existing row or delete one, and the database
    refuses too (migration 0002).
    """

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_party = models.CharField(max_length=20, choices=Party.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(_("进展说明"), max_length=2000)
    progress = models.PositiveSmallIntegerField(
        _("完成进度（%）"), validators=[MaxValueValidator(100)]
    )
    state = models.CharField(_("进展状态"), max_length=20, choices=WorkState.choices)
    evidence = models.FileField(
        _("佐证材料"), upload_to=evidence_path, storage=private_storage, blank=True
    )
    evidence_kind = models.CharField(
        max_length=20, choices=EvidenceKind.choices, blank=True, default=EvidenceKind.NONE
    )
    evidence_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("进展记录")
        verbose_name_plural = _("进展记录")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_update_progress_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.progress}%"

    @property
    def estate(self) -> Estate:
        return self.item.estate

    @property
    def is_photo(self) -> bool:
        return self.evidence_kind == EvidenceKind.PHOTO


class ActionItemPhoto(AppendOnlyModel, PhotoBase):
    """One cleaned photo of a progress update (see portal.community.photos), append-only like
    the update; shown to those who may see the update (`may(user, "view_photos", update)`)."""

    photo_folder = "oversight/photos"

    update = models.ForeignKey(ActionItemUpdate, on_delete=models.PROTECT, related_name="photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("进展照片")
        verbose_name_plural = _("进展照片")

    def __str__(self) -> str:
        return f"{self.update_id} · {self.position + 1}"


class ActionItemChange(AppendOnlyModel):
    """A change of deadline or responsibility, with who made it and why (append-only).

    Officials judge whether promises are kept; a deadline that moves silently would hide a
    broken one. So every extension or reassignment is kept with the old and new values and
    its reason, shown on the item for everyone who can see it.
    """

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(_("调整原因"), max_length=500)
    from_due_date = models.DateField()
    to_due_date = models.DateField()
    from_party = models.CharField(max_length=20, choices=Party.choices)
    to_party = models.CharField(max_length=20, choices=Party.choices)
    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("调整记录")
        verbose_name_plural = _("调整记录")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.from_due_date} → {self.to_due_date}"

    @property
    def due_date_changed(self) -> bool:
        return self.from_due_date != self.to_due_date

    @property
    def responsibility_changed(self) -> bool:
        return self.from_party != self.to_party or self.from_person_id != self.to_person_id
