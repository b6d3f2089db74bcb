"""Joint meetings (三方联席会议): participants, agenda, minutes and decisions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.oversight.choices import MeetingChangeKind, MeetingState
from portal.community.append_only import AppendOnlyModel
from portal.community.choices import Party
from portal.community.models import Estate


class JointMeetingQuerySet(models.QuerySet):
    def visible_to(self, user, estate: Estate, *, staff: bool) -> JointMeetingQuerySet:
        """Narrow to what this reader may see: everything for staff, else published or own."""
        if staff:
            return self
        published = Q(state=MeetingState.PUBLISHED)
        if not getattr(user, "is_authenticated", False):
            return self.filter(published)
        return self.filter(published | Q(participants__user=user)).distinct()


class JointMeeting(models.Model):
    """A meeting of the owners' committee, the property company and the government."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="joint_meetings", verbose_name=_("小区")
    )
    title = models.CharField(_("会议名称"), max_length=120)
    starts_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("会议地点"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=20, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("召集人"),
    )
    convener_party = models.CharField(_("召集方"), max_length=20, choices=Party.choices)
    # Cleaned by themes.sanitiser.clean_html when recorded (actions.record_minutes).
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("纪要记录时间"), null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("纪要公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["estate", "state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=(MeetingState.PLANNED, MeetingState.CANCELLED))
                | Q(minutes_recorded_at__isnull=False),
                name="meeting_held_has_minutes",
            ),
            models.CheckConstraint(
                condition=~Q(state=MeetingState.PUBLISHED) | Q(published_at__isnull=False),
                name="meeting_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight:meeting_detail", args=(self.estate.slug, self.pk))

    @property
    def minutes_published(self) -> bool:
        return self.state == MeetingState.PUBLISHED

    @property
    def is_held(self) -> bool:
        """Held, its minutes recorded but not yet published."""
        return self.state == MeetingState.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.state == MeetingState.CANCELLED


class MeetingParticipant(models.Model):
    """One person at the meeting: a user with their party, or a name typed in (no account)."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_meeting_seats",
    )
    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("单位或身份"), max_length=100, blank=True)
    party = models.CharField(_("所属方"), max_length=20, choices=Party.choices, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["party", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meeting_participant_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="meeting_participant_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def party_label(self) -> str:
        return self.get_party_display() if self.party else str(_("其他参会人员"))


class AgendaItem(models.Model):
    """An item on the agenda; it may point at a thread, a page or any site URL."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议题"), max_length=200)
    note = models.TextField(_("说明"), blank=True, max_length=1000)
    # A generic reference (a deliberation thread, a notice, an assembly...) resolved by
    # deliberation.oversight.references, or failing that a site URL with a label.
    ref_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ref_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    ref = GenericForeignKey("ref_content_type", "ref_object_id")
    link_url = models.CharField(_("相关链接"), max_length=300, blank=True)
    link_label = models.CharField(_("链接名称"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position"),
            models.CheckConstraint(
                condition=Q(ref_content_type__isnull=True, ref_object_id__isnull=True)
                | Q(ref_content_type__isnull=False, ref_object_id__isnull=False),
                name="agenda_item_ref_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Decision(models.Model):
    """One decision of the meeting; action items may name it as their source."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.PROTECT, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("决定内容"), max_length=1000)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("对应议程"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("会议决定")
        verbose_name_plural = _("会议决定")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="decision_position")
        ]

    def __str__(self) -> str:
        return _("%(meeting)s · 决定 %(n)s") % {"meeting": self.meeting.title, "n": self.position}

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#decision-{self.pk}"

    @property
    def estate(self) -> Estate:
        return self.meeting.estate


class MeetingChange(AppendOnlyModel):
    """A planned meeting moved or called off: when, where, by whom and why (append-only).

    Participants plan around a convened meeting; a change they were not told the reason for
    is how trust in the joint meeting erodes, so each one is kept and shown on the meeting.
    """

    meeting = models.ForeignKey(JointMeeting, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=20, choices=MeetingChangeKind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(_("原因"), max_length=500)
    from_starts_at = models.DateTimeField()
    to_starts_at = models.DateTimeField(null=True, blank=True)
    from_place = models.CharField(max_length=200)
    to_place = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("会议变更")
        verbose_name_plural = _("会议变更")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.kind}"
