"""Joint meetings (联席会议): convening with agenda and participants, adding to the agenda,
rescheduling and cancelling, each change told to everyone seated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.oversight import references
from deliberation.oversight.actions.common import refuse
from deliberation.oversight.choices import MeetingChangeKind, MeetingState
from deliberation.oversight.models import (
    AgendaItem,
    JointMeeting,
    MeetingChange,
    MeetingParticipant,
)
from portal.community import audit, membership, permissions
from portal.community.choices import Party
from portal.community.models import Estate
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import User

# The convener acts for the first of these parties they hold in the estate.
CONVENER_PARTIES = (Party.COMMUNITY, Party.SUBDISTRICT, Party.COMMITTEE)


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item as entered: a title, a note and an optional link (URL or object)."""

    title: str
    note: str = ""
    link: str = ""
    link_label: str = ""
    ref: Any = None


@dataclass(frozen=True)
class Attendee:
    """A person without an account: a name, their organisation, their party (may be blank)."""

    name: str
    organisation: str = ""
    party: str = ""


@transaction.atomic
def convene_meeting(
    estate: Estate,
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    place: str,
    participants: list[Any] = (),
    attendees: list[Attendee] = (),
    agenda: list[AgendaEntry] = (),
) -> JointMeeting:
    """Convene a joint meeting, seat its participants, set its agenda, notify them.

    Only officials over the estate and its committee may convene; participants with an
    account must act for a party in this estate.
    """
    if not permissions.may(actor, "convene_meetings", estate):
        refuse(_("只有本社区（街道）工作人员或本小区业委会可以召集联席会议。"))
    actor_parties = permissions.parties_of(actor, estate)
    convener_party = next((p for p in CONVENER_PARTIES if p in actor_parties), None)
    if convener_party is None:
        raise ValidationError(_("召集人须以社区、街道或业委会的身份召集会议。"))
    title, place = (title or "").strip(), (place or "").strip()
    if not title or not place or starts_at is None:
        raise ValidationError(_("请填写会议名称、时间和地点。"))
    eligible = {user.pk: party for user, party in membership.party_candidates(estate)}
    seats: dict[int, tuple[Any, str]] = {actor.pk: (actor, convener_party)}
    for user in participants:
        if user.pk not in eligible:
            raise ValidationError(
                _("%(name)s 不是本小区任何一方的人员，请作为其他参会人员填写。")
                % {"name": user.display_name}
            )
        seats.setdefault(user.pk, (user, eligible[user.pk]))

    meeting = JointMeeting.objects.create(
        estate=estate,
        title=title,
        starts_at=starts_at,
        place=place,
        convened_by=actor,
        convener_party=convener_party,
    )
    MeetingParticipant.objects.bulk_create(
        [
            MeetingParticipant(
                meeting=meeting, user=user, name=user.display_name or str(user), party=party
            )
            for user, party in seats.values()
        ]
        + [
            MeetingParticipant(
                meeting=meeting,
                name=a.name.strip()[:60],
                organisation=a.organisation.strip()[:100],
                party=a.party if a.party in Party.values else "",
            )
            for a in attendees
            if a.name.strip()
        ]
    )
    for entry in agenda:
        if entry.title.strip():
            _add_agenda_item(meeting, entry)
    audit.record(
        "oversight.meeting.convened",
        actor=actor,
        obj=meeting,
        estate=estate,
        starts_at=starts_at.isoformat(),
        place=place,
        participants=len(seats),
        attendees=len([a for a in attendees if a.name.strip()]),
        convener_party=convener_party,
    )
    local = timezone.localtime(starts_at)
    notify(
        [user for user, _party in seats.values() if user.pk != actor.pk],
        category="deliberation",
        title=fit_title(_("联席会议通知：%(title)s") % {"title": title}),
        body=_("时间：%(when)s；地点：%(place)s。")
        % {
            "when": local.strftime("%Y-%m-%d %H:%M"),
            "place": place,
        },
        url=meeting.get_absolute_url(),
        estate=estate,
        dedupe_key=f"oversight:meeting:{meeting.pk}:convened",
        actor=actor,
        urgency="important",
    )
    return meeting


def _add_agenda_item(meeting: JointMeeting, entry: AgendaEntry) -> AgendaItem:
    ref = entry.ref
    link_url = ""
    if ref is None and entry.link:
        ref = references.from_url(entry.link, estate=meeting.estate)
        if ref is None:
            link_url = references.validate_link(entry.link)
    elif ref is not None and references.estate_of(ref) != meeting.estate:
        raise ValidationError(_("只能关联本小区的内容。"))
    position = (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=entry.title.strip()[:200],
        note=entry.note.strip()[:1000],
        link_url=link_url,
        link_label=(entry.link_label.strip() or link_url)[:120] if link_url else "",
    )
    if ref is not None:
        item.ref = ref
    item.save()
    return item


def may_run(meeting: JointMeeting, actor: User) -> None:
    if not permissions.may(actor, "run_meeting", meeting):
        refuse(_("只有召集方（社区、街道工作人员或业委会）可以记录和公开会议纪要。"))


@transaction.atomic
def add_agenda_item(meeting: JointMeeting, entry: AgendaEntry, *, actor: User) -> AgendaItem:
    """Add an item to the agenda of a meeting whose minutes are not yet published."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == MeetingState.PUBLISHED:
        raise ValidationError(_("会议纪要已公开，议程不能再修改。"))
    refuse_cancelled(meeting)
    if not entry.title.strip():
        raise ValidationError(_("请填写议题。"))
    item = _add_agenda_item(meeting, entry)
    audit.record("oversight.meeting.agenda_added", actor=actor, obj=meeting, item=item.title)
    return item


def refuse_cancelled(meeting: JointMeeting) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("会议已取消。"))


def _tell_participants(change: MeetingChange, actor: User, *, title: str, body: str) -> None:
    """Tell everyone seated at the meeting (but the actor) that it moved or was called off."""
    meeting = change.meeting
    notify(
        list(
            meeting.participants.filter(user__isnull=False)
            .exclude(user=actor)
            .values_list("user_id", flat=True)
        ),
        category="deliberation",
        title=fit_title(title),
        body=body,
        url=meeting.get_absolute_url(),
        estate=meeting.estate,
        dedupe_key=f"oversight:meeting-change:{change.pk}",
        actor=actor,
        urgency="important",
    )


@transaction.atomic
def reschedule_meeting(
    meeting: JointMeeting,
    *,
    actor: User,
    starts_at: datetime,
    place: str,
    reason: str,
    now: datetime | None = None,
) -> MeetingChange:
    """Move a planned meeting to a new time or place, with the reason; participants are told."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().select_related("estate").get(pk=meeting.pk)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError(_("只有尚未召开的会议可以改期。"))
    reason, place = (reason or "").strip(), (place or "").strip()
    if not reason:
        raise ValidationError(_("请填写改期原因，它会通知参会人员并显示在会议页面上。"))
    if starts_at is None or not place:
        raise ValidationError(_("请填写新的会议时间和地点。"))
    if starts_at <= (now or timezone.now()):
        raise ValidationError(_("新的会议时间须晚于现在。"))
    if starts_at == meeting.starts_at and place == meeting.place:
        raise ValidationError(_("会议时间和地点都没有变化。"))
    change = MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChangeKind.RESCHEDULED,
        changed_by=actor,
        reason=reason[:500],
        from_starts_at=meeting.starts_at,
        to_starts_at=starts_at,
        from_place=meeting.place,
        to_place=place[:200],
    )
    meeting.starts_at, meeting.place = starts_at, place[:200]
    meeting.save(update_fields=["starts_at", "place"])
    audit.record(
        "oversight.meeting.rescheduled",
        actor=actor,
        obj=meeting,
        estate=meeting.estate,
        change_id=change.pk,
        from_starts_at=change.from_starts_at.isoformat(),
        to_starts_at=starts_at.isoformat(),
        place=meeting.place,
        reason=change.reason,
    )
    _tell_participants(
        change,
        actor,
        title=_("联席会议改期：%(title)s") % {"title": meeting.title},
        body=_("新的时间：%(when)s；地点：%(place)s。原因：%(reason)s")
        % {
            "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": meeting.place,
            "reason": change.reason[:200],
        },
    )
    return change


@transaction.atomic
def cancel_meeting(meeting: JointMeeting, *, actor: User, reason: str) -> MeetingChange:
    """Call off a planned meeting, with the reason; participants are told."""
    may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().select_related("estate").get(pk=meeting.pk)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError(_("只有尚未召开的会议可以取消。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写取消原因，它会通知参会人员并显示在会议页面上。"))
    change = MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChangeKind.CANCELLED,
        changed_by=actor,
        reason=reason[:500],
        from_starts_at=meeting.starts_at,
        from_place=meeting.place,
    )
    meeting.state = MeetingState.CANCELLED
    meeting.save(update_fields=["state"])
    audit.record(
        "oversight.meeting.cancelled",
        actor=actor,
        obj=meeting,
        estate=meeting.estate,
        change_id=change.pk,
        reason=change.reason,
    )
    _tell_participants(
        change,
        actor,
        title=_("联席会议取消：%(title)s") % {"title": meeting.title},
        body=_("原定 %(when)s 的会议取消。原因：%(reason)s")
        % {
            "when": timezone.localtime(change.from_starts_at).strftime("%Y-%m-%d %H:%M"),
            "reason": change.reason[:200],
        },
    )
    return change
