"""A petition withdrawn by its initiator, or answered by the meeting being announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from voting.choices import AssemblyState
from voting.petitions import counting
from voting.petitions.actions.common import lock_petition, notify_about, user_ids, users_by_ids
from voting.petitions.choices import PetitionEventKind, PetitionState
from voting.petitions.models import Petition, PetitionEvent


@transaction.atomic
def withdraw_petition(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> PetitionEvent:
    """Withdraw the whole petition: its opener, until the threshold is reached."""
    petition = lock_petition(petition)
    if petition.state != PetitionState.OPEN:
        raise ValidationError(_("提议已达到法定比例或已撤回，不能再撤回。"))
    if not permissions.may(actor, "withdraw_petition", petition):
        raise PermissionDenied(_("只有发起人可以撤回提议。"))
    event = PetitionEvent.objects.create(
        petition=petition, kind=PetitionEventKind.WITHDRAWN, at=now or timezone.now(), actor=actor
    )
    audit.record("petition.withdrawn", actor=actor, obj=petition, estate=petition.estate)
    return event


@transaction.atomic
def record_meeting_announced(
    petition: Petition, *, actor: Any, assembly: Any, now: datetime | None = None
) -> PetitionEvent:
    """Record that the committee announced the meeting the petition asked for."""
    petition = lock_petition(petition)
    estate = petition.estate
    if not permissions.may(actor, "enter_paper_petitions", estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以登记召集的会议。"))
    if petition.state not in (PetitionState.REACHED, PetitionState.ESCALATED):
        raise ValidationError(_("只有达到法定比例、尚未登记会议的提议才能登记召集的会议。"))
    if assembly is None or assembly.page_estate.pk != estate.pk:
        raise ValidationError(_("请选择本小区的业主大会会议。"))
    if assembly.state == AssemblyState.DRAFT:
        raise ValidationError(_("该会议尚未发布会议公告，请先发布公告再登记。"))
    now = now or timezone.now()
    event = PetitionEvent.objects.create(
        petition=petition, kind=PetitionEventKind.ANNOUNCED, at=now, actor=actor, assembly=assembly
    )
    late = petition.announce_due_at is not None and now > petition.announce_due_at
    audit.record(
        "petition.meeting_announced",
        actor=actor,
        obj=petition,
        estate=estate,
        assembly=assembly.pk,
        late=late,
    )
    signer_users = [
        s.signed_by or s.identity.user
        for s in counting.active_signatures(petition).select_related("signed_by", "identity__user")
    ]
    recipients = signer_users
    if petition.event(PetitionEventKind.ESCALATED) is not None:
        recipients = recipients + users_by_ids(user_ids(estate, "community", "subdistrict"))
    notify_about(
        recipients,
        title=_("业主委员会已就临时会议提议发布会议公告"),
        body=_("会议：%(assembly)s") % {"assembly": assembly.title},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:announced",
        subject=petition,
        actor=actor,
    )
    return event
