"""Every state change of joint meetings and action items has its one entry point here.

Notifications go straight through portal.notifications.api.notify, titles built around a
meeting's or item's title fitted with fit_title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from deliberation.oversight import evidence as evidence_rules
from deliberation.oversight import references
from deliberation.oversight.choices import (
    EvidenceKind,
    MeetingChangeKind,
    MeetingState,
    WorkState,
)
from deliberation.oversight.models import (
    ActionItem,
    ActionItemChange,
    ActionItemPhoto,
    ActionItemUpdate,
    AgendaItem,
    Decision,
    JointMeeting,
    MeetingChange,
    MeetingParticipant,
    local_today,
)
from portal.community import audit, membership, permissions
from portal.community.choices import Party
from portal.community.models import Estate
from portal.community.photos import clean_photos, cleaned_file
from portal.notifications.api import fit_title, notify
from themes.sanitiser import clean_html, plain_text

if TYPE_CHECKING:
    from portal.accounts.types import User

# The convener acts for the first of these parties they hold in the estate.
CONVENER_PARTIES = (Party.COMMUNITY, Party.SUBDISTRICT, Party.COMMITTEE)


def _refuse(message: str) -> None:
    raise PermissionDenied(message)


# --- joint meetings ----------------------------------------------------------------------


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
        _refuse(_("只有本社区（街道）工作人员或本小区业委会可以召集联席会议。"))
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


def _may_run(meeting: JointMeeting, actor: User) -> None:
    if not permissions.may(actor, "run_meeting", meeting):
        _refuse(_("只有召集方（社区、街道工作人员或业委会）可以记录和公开会议纪要。"))


@transaction.atomic
def add_agenda_item(meeting: JointMeeting, entry: AgendaEntry, *, actor: User) -> AgendaItem:
    """Add an item to the agenda of a meeting whose minutes are not yet published."""
    _may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == MeetingState.PUBLISHED:
        raise ValidationError(_("会议纪要已公开，议程不能再修改。"))
    _refuse_cancelled(meeting)
    if not entry.title.strip():
        raise ValidationError(_("请填写议题。"))
    item = _add_agenda_item(meeting, entry)
    audit.record("oversight.meeting.agenda_added", actor=actor, obj=meeting, item=item.title)
    return item


def _refuse_cancelled(meeting: JointMeeting) -> None:
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
    _may_run(meeting, actor)
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
    _may_run(meeting, actor)
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
    _may_run(meeting, actor)
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_cancelled(meeting)
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
    _may_run(meeting, actor)
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
    _may_run(meeting, actor)
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


# --- action items --------------------------------------------------------------------------


def _responsible_recipients(item: ActionItem) -> Any:
    if item.responsible_person_id:
        return [item.responsible_person_id]
    return list(
        membership.party_users(item.estate, item.responsible_party).values_list("pk", flat=True)
    )


@transaction.atomic
def create_action_item(
    estate: Estate,
    *,
    actor: User,
    title: str,
    responsible_party: str,
    due_date: date,
    description: str = "",
    responsible_person: User | None = None,
    source: Any = None,
    now: datetime | None = None,
) -> ActionItem:
    """Open an action item for a responsible party (and person) with a due date and a source.

    The committee and officials may open items for any party, the property company's staff
    for their own company; the responsible person must act for the responsible party here.
    The item is opened at `now` (default: now), and its due date may not be before that day
    in Beijing: so no item is ever overdue on the day it is opened.
    """
    now = now or timezone.now()
    today = local_today(now)
    if responsible_party not in Party.values:
        raise ValidationError(_("请选择责任方。"))
    if not permissions.may(
        actor, "open_items_for", permissions.PartyTarget(estate, responsible_party)
    ):
        _refuse(_("您不能为该责任方设立督办事项。"))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写督办事项。"))
    if due_date is None:
        raise ValidationError(_("请填写完成期限。"))
    if due_date < today:
        raise ValidationError(_("完成期限不能早于今天。"))
    if responsible_person is not None and not permissions.may(
        responsible_person, "speak_for", permissions.PartyTarget(estate, responsible_party)
    ):
        raise ValidationError(
            _("%(name)s 不属于所选责任方，请重新选择责任人。")
            % {"name": responsible_person.display_name}
        )
    if source is not None:
        owner = references.estate_of(source)
        if owner is None or owner.pk != estate.pk:
            raise ValidationError(_("只能关联本小区的内容。"))
    item = ActionItem(
        estate=estate,
        title=title[:120],
        description=(description or "").strip()[:2000],
        responsible_party=responsible_party,
        responsible_person=responsible_person,
        due_date=due_date,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    if source is not None:
        item.source = source
        described = references.describe(source)
        item.source_label = described.label[:200] if described else ""
    item.save()
    audit.record(
        "oversight.action_item.created",
        actor=actor,
        obj=item,
        estate=estate,
        responsible_party=responsible_party,
        responsible_person_id=responsible_person.pk if responsible_person else None,
        due_date=due_date.isoformat(),
        source=f"{source._meta.label_lower}:{source.pk}" if source is not None else "",
    )
    notify(
        _responsible_recipients(item),
        category="action_item",
        title=fit_title(_("新的督办事项：%(title)s") % {"title": item.title}),
        body=_("完成期限：%(due)s。") % {"due": due_date.isoformat()},
        url=item.get_absolute_url(),
        estate=estate,
        dedupe_key=f"oversight:item:{item.pk}:assigned",
        actor=actor,
    )
    return item


def _evidence_to_keep(evidence: Any, kind: str) -> Any:
    """Return the evidence as it is kept: a photo upright, resized and without EXIF (its GPS
    position), like every photo from the phone; a document as it came."""
    return cleaned_file(evidence) if kind == EvidenceKind.PHOTO else evidence


@transaction.atomic
def post_update(
    item: ActionItem,
    *,
    actor: User,
    note: str,
    progress: int,
    state: str,
    evidence: Any = None,
    photos: Sequence[Any] = (),
    now: datetime | None = None,
) -> ActionItemUpdate:
    """Append a progress report (who, when, note, progress, evidence, photos) and move the
    item on. Photos (uploads or CleanPhoto) are cleaned before anything is written: a refused
    one leaves no update behind."""
    if not permissions.may(actor, "report_progress", item):
        _refuse(_("只有责任方或责任人可以报告进展。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写进展说明。"))
    if state not in WorkState.values:
        raise ValidationError(_("未知的进展状态。"))
    if progress is None or not 0 <= int(progress) <= 100:
        raise ValidationError(_("完成进度须在 0 到 100 之间。"))
    progress = int(progress)
    if state == WorkState.DONE:
        progress = 100
    elif state == WorkState.NOT_STARTED and progress > 0:
        raise ValidationError(_("已有进度的事项请选择“进行中”。"))
    kind = evidence_rules.validate_evidence(evidence) if evidence else ""
    evidence = _evidence_to_keep(evidence, kind)
    cleaned_photos = clean_photos(photos)
    item = ActionItem.objects.select_for_update().select_related("estate").get(pk=item.pk)
    now = now or timezone.now()
    update = ActionItemUpdate(
        item=item,
        author=actor,
        author_party=_party_for_update(actor, item),
        created_at=now,
        note=note,
        progress=progress,
        state=state,
        evidence_kind=kind,
        evidence_name=(evidence.name.rsplit("/", 1)[-1][:200] if evidence else ""),
    )
    if evidence:
        update.evidence = evidence
    update.save()
    ActionItemPhoto.store(cleaned_photos, update=update, created_at=now)
    previous_state = item.state
    item.state = state
    item.progress = progress
    item.updated_at = now
    item.completed_at = now if state == WorkState.DONE else None
    item.save(update_fields=["state", "progress", "updated_at", "completed_at"])
    audit.record(
        "oversight.action_item.progress_reported",
        actor=actor,
        obj=item,
        estate=item.estate,
        update_id=update.pk,
        previous_state=previous_state,
        state=state,
        progress=progress,
        evidence=kind,
        photos=len(cleaned_photos),
    )
    if item.created_by_id != actor.pk:
        notify(
            [item.created_by_id],
            category="action_item",
            title=fit_title(_("督办事项有新进展：%(title)s") % {"title": item.title}),
            body=_("%(state)s，进度 %(progress)s%%。%(note)s")
            % {"state": WorkState(state).label, "progress": progress, "note": note[:200]},
            url=item.get_absolute_url(),
            estate=item.estate,
            dedupe_key=f"oversight:update:{update.pk}",
            actor=actor,
        )
    return update


_UNCHANGED = object()


@transaction.atomic
def adjust_action_item(
    item: ActionItem,
    *,
    actor: User,
    reason: str,
    due_date: date | None = None,
    responsible_party: str | None = None,
    responsible_person: Any = _UNCHANGED,  # a User, None, or _UNCHANGED
    today: date | None = None,
) -> ActionItemChange:
    """Extend the deadline or reassign the item, keeping the old values and the reason.

    Refused (nothing changed) without a reason, for a finished item, for a deadline before
    today, for a person who does not act for the responsible party, or when nothing changes.
    The responsible party (old and new) is told.
    """
    item = ActionItem.objects.select_for_update().select_related("estate").get(pk=item.pk)
    if not permissions.may(actor, "adjust_item", item):
        _refuse(_("您不能调整该督办事项。"))
    party = responsible_party or item.responsible_party
    if party not in Party.values:
        raise ValidationError(_("请选择责任方。"))
    if not permissions.may(actor, "open_items_for", permissions.PartyTarget(item.estate, party)):
        _refuse(_("您不能把督办事项交给该责任方。"))
    if item.state == WorkState.DONE:
        raise ValidationError(_("已完成的督办事项不能再调整。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写调整原因，它会显示在督办事项上。"))
    new_due = due_date or item.due_date
    if new_due != item.due_date and new_due < (today or local_today()):
        raise ValidationError(_("新的完成期限不能早于今天。"))
    if responsible_person is _UNCHANGED:
        # A new party brings its own people: the previous person no longer fits.
        person = item.responsible_person if party == item.responsible_party else None
    else:
        person = responsible_person
    if person is not None and not permissions.may(
        person, "speak_for", permissions.PartyTarget(item.estate, party)
    ):
        raise ValidationError(
            _("%(name)s 不属于所选责任方，请重新选择责任人。") % {"name": person.display_name}
        )
    if (new_due, party, getattr(person, "pk", None)) == (
        item.due_date,
        item.responsible_party,
        item.responsible_person_id,
    ):
        raise ValidationError(_("完成期限和责任方都没有变化。"))
    previous_recipients = set(_responsible_recipients(item))
    change = ActionItemChange.objects.create(
        item=item,
        changed_by=actor,
        reason=reason[:500],
        from_due_date=item.due_date,
        to_due_date=new_due,
        from_party=item.responsible_party,
        to_party=party,
        from_person=item.responsible_person,
        to_person=person,
    )
    item.due_date = new_due
    item.responsible_party = party
    item.responsible_person = person
    item.updated_at = change.changed_at
    item.save(update_fields=["due_date", "responsible_party", "responsible_person", "updated_at"])
    audit.record(
        "oversight.action_item.adjusted",
        actor=actor,
        obj=item,
        estate=item.estate,
        change_id=change.pk,
        from_due_date=change.from_due_date.isoformat(),
        to_due_date=new_due.isoformat(),
        from_party=change.from_party,
        to_party=party,
        reason=reason[:500],
    )
    notify(
        sorted(previous_recipients | set(_responsible_recipients(item))),
        category="action_item",
        title=fit_title(_("督办事项已调整：%(title)s") % {"title": item.title}),
        body=_("完成期限：%(due)s；责任方：%(party)s。原因：%(reason)s")
        % {"due": new_due.isoformat(), "party": Party(party).label, "reason": reason[:200]},
        url=item.get_absolute_url(),
        estate=item.estate,
        dedupe_key=f"oversight:change:{change.pk}",
        actor=actor,
    )
    return change


def _party_for_update(actor: User, item: ActionItem) -> str:
    parties = permissions.parties_of(actor, item.estate)
    if item.responsible_party in parties:
        return item.responsible_party
    return next(iter(sorted(parties)), "")


def overdue_recipients(item: ActionItem) -> list[int]:
    """Return who hears about an overdue item: the responsible person (or, with none, the
    party's staff), the estate's committee and the community officials over it."""
    ids = set(_responsible_recipients(item))
    ids.update(
        membership.party_users(item.estate, Party.COMMITTEE, Party.COMMUNITY).values_list(
            "pk", flat=True
        )
    )
    return sorted(ids)


def notify_overdue_items(today: date | None = None) -> int:
    """Remind about every overdue item once per day; return how many items were reminded.

    Idempotent: each item is claimed for the day by a conditional update before anything is
    sent, and the dedupe key names the item and the day, so a retried run sends nothing twice.
    """
    today = today or local_today()
    reminded = 0
    overdue_ids = list(
        ActionItem.objects.overdue(today)
        .exclude(overdue_notified_on=today)
        .values_list("pk", flat=True)
    )
    for pk in overdue_ids:
        with transaction.atomic():
            claimed = (
                ActionItem.objects.filter(pk=pk)
                .exclude(overdue_notified_on=today)
                .update(overdue_notified_on=today)
            )
            if not claimed:
                continue
            item = ActionItem.objects.select_related("estate").get(pk=pk)
            days = item.days_overdue(today)
            recipients = overdue_recipients(item)
            audit.record(
                "oversight.action_item.overdue_notified",
                obj=item,
                estate=item.estate,
                day=today.isoformat(),
                days_overdue=days,
                recipients=len(recipients),
            )
            notify(
                recipients,
                category="action_item",
                title=fit_title(_("督办事项已逾期：%(title)s") % {"title": item.title}),
                body=_("完成期限 %(due)s，已逾期 %(days)s 天，当前进度 %(progress)s%%。")
                % {"due": item.due_date.isoformat(), "days": days, "progress": item.progress},
                url=item.get_absolute_url(),
                estate=item.estate,
                dedupe_key=f"oversight:item:{pk}:overdue:{today.isoformat()}",
                urgency="important",
            )
            reminded += 1
    return reminded
