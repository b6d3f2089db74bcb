"""Every state change of a petition has its one entry point here.

Each action runs in one transaction, locks the petition row (signatures of one petition are
counted one at a time, so two last signatures cannot both be "after the threshold"), writes the
audit log and notifies through portal.notifications.api.notify. A refusal raises
ValidationError or PermissionDenied with a Chinese message and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, membership, permissions
from portal.community.models import Estate, OwnerIdentity
from portal.notifications.api import notify
from voting.actions import validate_scan
from voting.choices import AssemblyState
from voting.petition_rules import PetitionCheck, adds_a_head
from voting.petitions import counting
from voting.petitions.choices import PetitionEventKind, PetitionState, SignatureChannel
from voting.petitions.models import (
    Petition,
    PetitionEvent,
    PetitionSettings,
    PetitionSignature,
    SignatureWithdrawal,
)

logger = logging.getLogger(__name__)


def _not_an_owner() -> str:
    return _(
        "只有本小区已认证的业主可以发起或签署临时会议提议；租户、未认证用户和其他小区的业主不能签名。"
    )


def _notify(
    recipients, *, title: str, body: str, url: str, estate, key: str, actor=None, urgency="normal"
):
    """Send through the one notification path; imported late so apps load in any order."""
    recipients = [r for r in recipients if r is not None]
    if recipients:
        notify(
            recipients,
            category="assembly",
            title=title[:100],
            body=body,
            url=url,
            urgency=urgency,
            estate=estate,
            dedupe_key=key,
            actor=actor,
        )


def _user_ids(estate: Estate, *parties: str) -> list[int]:
    """Return the users of the committee / residents' committee / sub-district over the estate."""
    return sorted({pk for party in parties for pk in membership.party_user_ids(estate, party)})


def _users(ids: list[int]):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids))


def _lock(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update()
        .select_related("estate__community")
        .prefetch_related("events")
        .get(pk=petition.pk)
    )


def _refuse_unless_open(petition: Petition) -> None:
    state = petition.state
    if state == PetitionState.WITHDRAWN:
        raise ValidationError(_("该提议已由发起人撤回，不能再签名。"))
    if state != PetitionState.OPEN:
        raise ValidationError(
            _("该提议已达到法定比例，已交业主委员会召集临时会议，不再接受签名或撤回。")
        )


def _refuse_second_signature(petition: Petition, identity: OwnerIdentity, heads) -> None:
    earlier = PetitionSignature.objects.filter(petition=petition, identity=identity).first()
    if earlier is not None:
        if hasattr(earlier, "withdrawal"):
            raise ValidationError(_("您已撤回对该提议的签名，撤回后不能再次签名。"))
        raise ValidationError(_("您已经签过名了，同一业主只能签名一次。"))
    if not adds_a_head(heads, counting.signer_ids(petition), identity.pk):
        raise ValidationError(
            _(
                "您名下的房屋已由共有人签名。按最高人民法院司法解释第九条，"
                "同一业主（含共有人）只计一人，不能重复签名。"
            )
        )


def _settings(estate: Estate) -> PetitionSettings:
    return PetitionSettings.for_estate(estate)


@transaction.atomic
def open_petition(
    estate: Estate,
    *,
    actor: Any,
    title: str,
    matters: str,
    reason: str,
    draft_motions: str = "",
    now: datetime | None = None,
) -> Petition:
    """Open a petition in the estate: a verified owner proposes; their signature is the first."""
    if not permissions.may(actor, "petition", estate):
        raise PermissionDenied(_not_an_owner())
    identity = counting.identity_of(actor, estate)
    if identity is None:
        raise PermissionDenied(_not_an_owner())
    title, matters, reason = title.strip(), matters.strip(), reason.strip()
    if not (title and matters and reason):
        raise ValidationError(_("请填写提议事项、提请审议的事项和提议理由。"))
    now = now or timezone.now()
    rules = _settings(estate)
    petition = Petition.objects.create(
        estate=estate,
        title=title[:120],
        matters=matters,
        reason=reason,
        draft_motions=draft_motions.strip(),
        opened_by=actor,
        created_at=now,
        area_percent=rules.area_percent,
        heads_percent=rules.heads_percent,
        announce_days=rules.announce_days,
    )
    audit.record(
        "petition.opened",
        actor=actor,
        obj=petition,
        estate=estate,
        title=petition.title,
        area_percent=petition.area_percent,
        heads_percent=petition.heads_percent,
        announce_days=petition.announce_days,
    )
    _sign(petition, identity, channel=SignatureChannel.ONLINE, signed_by=actor, now=now)
    return petition


@transaction.atomic
def sign_petition(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> PetitionSignature:
    """Sign a petition online as the verified owner one is."""
    petition = _lock(petition)
    estate = petition.estate
    if not permissions.may(actor, "petition", estate):
        raise PermissionDenied(_not_an_owner())
    identity = counting.identity_of(actor, estate)
    if identity is None:
        raise PermissionDenied(_not_an_owner())
    return _sign(petition, identity, channel=SignatureChannel.ONLINE, signed_by=actor, now=now)


@transaction.atomic
def enter_paper_signature(
    petition: Petition,
    *,
    actor: Any,
    identity: OwnerIdentity,
    scan: Any,
    now: datetime | None = None,
) -> PetitionSignature:
    """Enter an owner's signed paper petition with its scan (the committee, as with paper ballots)."""
    petition = _lock(petition)
    estate = petition.estate
    if not permissions.may(actor, "enter_paper_petitions", estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以录入书面提议。"))
    if identity.estate_id != estate.pk:
        raise ValidationError(_("该业主不在本小区现行业主名册中，不能计入提议。"))
    if not scan:
        raise ValidationError(_("请上传书面提议的扫描件。"))
    validate_scan(scan)
    return _sign(
        petition, identity, channel=SignatureChannel.PAPER, entered_by=actor, scan=scan, now=now
    )


def _sign(
    petition: Petition,
    identity: OwnerIdentity,
    *,
    channel: str,
    signed_by: Any = None,
    entered_by: Any = None,
    scan: Any = None,
    now: datetime | None = None,
) -> PetitionSignature:
    now = now or timezone.now()
    _refuse_unless_open(petition)
    heads = counting.register_heads(petition.estate)
    if not any(identity.pk in head.holders for head in heads):
        raise ValidationError(_("该业主不在本小区现行业主名册中，不能计入提议。"))
    _refuse_second_signature(petition, identity, heads)
    try:
        with transaction.atomic():
            signature = PetitionSignature.objects.create(
                petition=petition,
                identity=identity,
                channel=channel,
                signed_by=signed_by,
                entered_by=entered_by,
                scan=scan or "",
                signed_at=now,
            )
    except IntegrityError as error:
        raise ValidationError(_("您已经签过名了，同一业主只能签名一次。")) from error
    audit.record(
        "petition.signed",
        actor=signed_by or entered_by,
        obj=petition,
        estate=petition.estate,
        signature=signature.pk,
        identity=identity.pk,
        channel=channel,
    )
    _check_threshold(petition, heads=heads, now=now, actor=signed_by or entered_by)
    return signature


def _check_threshold(
    petition: Petition, *, heads, now: datetime, actor: Any = None
) -> PetitionCheck:
    """Record the milestone, start the deadline and tell the committee once both tests pass."""
    check = counting.progress(petition, heads=heads)
    if not check.reached:
        return check
    due = now + timedelta(days=petition.announce_days)
    PetitionEvent.objects.create(
        petition=petition,
        kind=PetitionEventKind.REACHED,
        at=now,
        due_at=due,
        signed_area=check.signed.area,
        signed_heads=check.signed.heads,
        total_area=check.totals.area,
        total_heads=check.totals.heads,
    )
    getattr(petition, "_prefetched_objects_cache", {}).pop("events", None)
    estate = petition.estate
    audit.record(
        "petition.reached",
        actor=None,
        obj=petition,
        estate=estate,
        signed_area=str(check.signed.area),
        signed_heads=check.signed.heads,
        total_area=str(check.totals.area),
        total_heads=check.totals.heads,
        due_at=due,
    )
    local_due = timezone.localtime(due).strftime("%Y-%m-%d")
    _notify(
        _users(_user_ids(estate, "committee")),
        title=_("临时会议提议已达到法定比例：%(title)s") % {"title": petition.title},
        body=_(
            "专有部分面积和人数均已达到规定比例。按《物业管理条例》第十三条，业主委员会应当组织召开"
            "业主大会临时会议，请于 %(due)s 前发布会议公告；逾期将报告社区居委会和街道办事处。"
        )
        % {"due": local_due},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:reached",
        urgency="important",
    )
    signer_users = [
        s.signed_by or s.identity.user
        for s in counting.active_signatures(petition).select_related("signed_by", "identity__user")
    ]
    _notify(
        signer_users,
        title=_("您签名的临时会议提议已达到法定比例"),
        body=_("业主委员会应于 %(due)s 前发布临时会议公告。") % {"due": local_due},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:reached:signers",
    )
    return check


@transaction.atomic
def withdraw_signature(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> SignatureWithdrawal:
    """Take back one's own signature, until the petition reaches the threshold."""
    petition = _lock(petition)
    identity = counting.identity_of(actor, petition.estate)
    signature = (
        PetitionSignature.objects.filter(
            petition=petition, identity=identity, withdrawal__isnull=True
        ).first()
        if identity
        else None
    )
    if signature is None:
        raise ValidationError(_("您没有可以撤回的签名。"))
    if petition.state != PetitionState.OPEN:
        raise ValidationError(_("提议已达到法定比例或已撤回，签名不能再撤回。"))
    withdrawal = SignatureWithdrawal.objects.create(
        signature=signature, withdrawn_by=actor, withdrawn_at=now or timezone.now()
    )
    audit.record(
        "petition.signature_withdrawn",
        actor=actor,
        obj=petition,
        estate=petition.estate,
        signature=signature.pk,
        identity=signature.identity_id,
    )
    return withdrawal


@transaction.atomic
def withdraw_petition(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> PetitionEvent:
    """Withdraw the whole petition: its opener, until the threshold is reached."""
    petition = _lock(petition)
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
    petition = _lock(petition)
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
        recipients = recipients + _users(_user_ids(estate, "community", "subdistrict"))
    _notify(
        recipients,
        title=_("业主委员会已就临时会议提议发布会议公告：%(title)s") % {"title": petition.title},
        body=_("会议：%(assembly)s") % {"assembly": assembly.title},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:announced",
        actor=actor,
    )
    return event


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
                officials = _user_ids(estate, "community", "subdistrict")
                audit.record(
                    "petition.escalated",
                    actor=None,
                    obj=petition,
                    estate=estate,
                    recipient_count=len(officials),
                )
                _notify(
                    _users(officials + _user_ids(estate, "committee")),
                    title=_("业主委员会逾期未召集临时会议：%(estate)s") % {"estate": estate.name},
                    body=_(
                        "「%(title)s」已达到法定比例，业主委员会未在期限内发布会议公告。"
                        "按《业主大会和业主委员会指导规则》，街道办事处应当责令业主委员会限期召集，"
                        "社区居委会可以组织召开。"
                    )
                    % {"title": petition.title},
                    url=petition.get_absolute_url(),
                    estate=estate,
                    key=f"petition:{petition.pk}:escalated",
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
        open_ones = (
            Petition.objects.filter(estate=estate)
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


__all__ = [
    "enter_paper_signature",
    "escalate_overdue",
    "open_petition",
    "overdue_petitions",
    "petitions_awaiting",
    "record_meeting_announced",
    "sign_petition",
    "withdraw_petition",
    "withdraw_signature",
]
