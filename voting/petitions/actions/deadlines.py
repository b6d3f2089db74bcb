"""Petitions the committee has not answered in time, their escalation, and the petitions
awaiting an owner's signature (the to-do list).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from portal.community.models import OwnerIdentity
from voting.petition_rules import adds_a_head
from voting.petitions import counting, visibility
from voting.petitions.actions.common import notify_about, user_ids, users_by_ids
from voting.petitions.choices import PetitionEventKind
from voting.petitions.models import Petition, PetitionEvent, PetitionSignature


def overdue_petitions(now: datetime):
    """Return petitions past their deadline to announce, not yet announced, escalated or withdrawn."""
    return (
        Petition.objects.filter(events__kind=PetitionEventKind.REACHED, events__due_at__lt=now)
        .exclude(
            events__kind__in=[
                PetitionEventKind.ANNOUNCED,
                PetitionEventKind.ESCALATED,
                PetitionEventKind.WITHDRAWN,
            ]
        )
        .select_related("estate__community")
        .distinct()
    )


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every overdue petition to the residents' committee and the sub-district.

    指导规则: where the committee does not convene a meeting it must, the sub-district office
    orders it to, and the residents' committee may convene it. Each petition escalates once
    (the unique milestone and the notification's dedupe key make a retried run a no-op).
    """
    now = now or timezone.now()
    made = 0
    for petition in overdue_petitions(now):
        try:
            with transaction.atomic():
                PetitionEvent.objects.create(
                    petition=petition, kind=PetitionEventKind.ESCALATED, at=now
                )
                estate = petition.estate
                officials = user_ids(estate, "community", "subdistrict")
                audit.record(
                    "petition.escalated",
                    actor=None,
                    obj=petition,
                    estate=estate,
                    recipient_count=len(officials),
                )
                notify_about(
                    users_by_ids(officials + user_ids(estate, "committee")),
                    title=_("业主委员会逾期未召集临时会议：%(estate)s") % {"estate": estate.name},
                    body=_(
                        "该提议已达到法定比例，业主委员会未在期限内发布会议公告。"
                        "按《业主大会和业主委员会指导规则》，街道办事处应当责令业主委员会限期召集，"
                        "社区居委会可以组织召开。"
                    ),
                    url=petition.get_absolute_url(),
                    estate=estate,
                    key=f"petition:{petition.pk}:escalated",
                    subject=petition,
                    urgency="important",
                )
        except IntegrityError:
            continue  # escalated by an overlapping run
        made += 1
    return made


def petitions_awaiting(user: Any, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Return the open petitions this user may sign, each with its estate and (none yet) deadline.

    For the owner's to-do list (#16 item 4): a petition has no deadline to sign (it is open until
    it reaches the threshold or is withdrawn), so ``deadline`` is None; newest first.
    """
    if not permissions.is_authenticated(user):
        return []
    identities = OwnerIdentity.objects.filter(
        user=user, ownerships__ended_at__isnull=True
    ).distinct()
    result = []
    for identity in identities.select_related("estate"):
        estate = identity.estate
        if not permissions.may(user, "petition", estate):
            continue
        signed = PetitionSignature.objects.filter(identity=identity).values("petition_id")
        # A hidden petition takes no online signature: it is not a to-do, and its title
        # would be a copy of withheld words.
        open_ones = (
            visibility.shown_petitions(Petition.objects.filter(estate=estate))
            .exclude(events__kind__in=[PetitionEventKind.REACHED, PetitionEventKind.WITHDRAWN])
            .exclude(pk__in=signed)
            .select_related("estate")
        )
        heads = None
        for petition in open_ones:
            heads = heads if heads is not None else counting.register_heads(estate)
            if not adds_a_head(heads, counting.signer_ids(petition), identity.pk):
                continue
            result.append(
                {
                    "petition": petition,
                    "estate": estate,
                    "title": petition.title,
                    "url": petition.get_absolute_url(),
                    "opened_at": petition.created_at,
                    "deadline": None,
                }
            )
    result.sort(key=lambda item: item["opened_at"], reverse=True)
    return result
