"""Action items (督办事项): creating one (from a decision or on its own), progress updates
with evidence, and adjusting the due date or the responsible party with a stated reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.oversight import evidence as evidence_rules
from deliberation.oversight import references
from deliberation.oversight.actions.common import refuse, responsible_recipients
from deliberation.oversight.choices import EvidenceKind, WorkState
from deliberation.oversight.models import (
    ActionItem,
    ActionItemChange,
    ActionItemPhoto,
    ActionItemUpdate,
    local_today,
)
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.models import Estate
from portal.community.photos import clean_photos, cleaned_file
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import User

_UNCHANGED = object()


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
        refuse(_("您不能为该责任方设立督办事项。"))
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
        item.source_label = references.label_to_keep(source)[:200]
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
        responsible_recipients(item),
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
        refuse(_("只有责任方或责任人可以报告进展。"))
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
        refuse(_("您不能调整该督办事项。"))
    party = responsible_party or item.responsible_party
    if party not in Party.values:
        raise ValidationError(_("请选择责任方。"))
    if not permissions.may(actor, "open_items_for", permissions.PartyTarget(item.estate, party)):
        refuse(_("您不能把督办事项交给该责任方。"))
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
    previous_recipients = set(responsible_recipients(item))
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
        sorted(previous_recipients | set(responsible_recipients(item))),
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
