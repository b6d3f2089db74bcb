"""A joint meeting's record: its minutes, the decisions taken, and publishing both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from deliberation.oversight.actions.meetings import may_run, refuse_cancelled
from deliberation.oversight.choices import MeetingState
from deliberation.oversight.models import AgendaItem, Decision, JointMeeting
from portal.community import audit
from portal.notifications.api import fit_title, notify
from themes.sanitiser import clean_html, plain_text

if TYPE_CHECKING:
    from portal.accounts.types import User


def minutes_html(text: str) -> str:
    """Return sanitised HTML for minutes typed as plain text (paragraphs) or as simple HTML."""
    text = (text or "").strip()
    if not text:
        return ""
    looks_like_html = "</" in text or "<br" in text.lower() or "<p" in text.lower()
    return clean_html(text if looks_like_html else linebreaks(escape(text)))


def minutes_as_text(html: str) -> str:
    """Return stored minutes as the plain text they are edited in (paragraphs, line breaks)."""
    import html as html_lib
    import re

    text = re.sub(r"</p>\s*", "\n\n", html or "")
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = html_lib.unescape(plain_text(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@transaction.atomic
def record_minutes(meeting: JointMeeting, *, actor: User, text: str) -> JointMeeting:
    """Record (or correct) the minutes: the meeting is then held. Refused once published."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    refuse_cancelled(meeting)
    if meeting.state == MeetingState.PUBLISHED:
        raise ValidationError(_("会议纪要已公开，不能再修改。"))
    html = minutes_html(text)
    if not plain_text(html).strip():
        raise ValidationError(_("请填写会议纪要。"))
    first = meeting.state == MeetingState.PLANNED
    meeting.minutes = html
    meeting.state = MeetingState.HELD
    meeting.minutes_recorded_at = timezone.now()
    meeting.minutes_recorded_by = actor
    meeting.save(update_fields=["minutes", "state", "minutes_recorded_at", "minutes_recorded_by"])
    audit.record(
        "oversight.meeting.minutes_recorded" if first else "oversight.meeting.minutes_corrected",
        actor=actor,
        obj=meeting,
        length=len(html),
    )
    return meeting


@transaction.atomic
def add_decision(
    meeting: JointMeeting, *, actor: User, text: str, agenda_item: AgendaItem | None = None
) -> Decision:
    """Record one decision of a held meeting (before its minutes are published)."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != MeetingState.HELD:
        raise ValidationError(_("会议召开并记录纪要后、公开纪要前，才能记录会议决定。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写决定内容。"))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("所选议程不属于本次会议。"))
    position = (meeting.decisions.aggregate(m=Max("position"))["m"] or 0) + 1
    decision = Decision.objects.create(
        meeting=meeting,
        position=position,
        text=text[:1000],
        agenda_item=agenda_item,
        recorded_by=actor,
    )
    audit.record(
        "oversight.meeting.decision_recorded",
        actor=actor,
        obj=meeting,
        decision_id=decision.pk,
        position=position,
    )
    return decision


@transaction.atomic
def publish_minutes(meeting: JointMeeting, *, actor: User) -> JointMeeting:
    """Publish the minutes to the estate's members and tell the participants."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().select_related("estate").get(pk=meeting.pk)
    if meeting.state == MeetingState.PUBLISHED:
        return meeting
    if meeting.state != MeetingState.HELD or not meeting.minutes:
        raise ValidationError(_("请先记录会议纪要，再公开。"))
    meeting.state = MeetingState.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.published_by = actor
    meeting.save(update_fields=["state", "published_at", "published_by"])
    audit.record(
        "oversight.meeting.minutes_published",
        actor=actor,
        obj=meeting,
        decisions=meeting.decisions.count(),
    )
    notify(
        get_user_model().objects.filter(joint_meeting_seats__meeting=meeting).exclude(pk=actor.pk),
        category="deliberation",
        title=fit_title(_("联席会议纪要已公开：%(title)s") % {"title": meeting.title}),
        body=plain_text(meeting.minutes)[:200],
        url=meeting.get_absolute_url(),
        estate=meeting.estate,
        dedupe_key=f"oversight:meeting:{meeting.pk}:published",
        actor=actor,
    )
    return meeting
