"""Opening a petition and signing it, online or on paper; reaching the threshold; a
signature withdrawn.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from portal.community.models import Estate, OwnerIdentity
from voting.petition_rules import PetitionCheck
from voting.petitions import counting, visibility
from voting.petitions.actions.common import (
    lock_petition,
    not_an_owner,
    notify_about,
    refuse_second_signature,
    refuse_unless_open,
    settings_of,
    user_ids,
    users_by_ids,
)
from voting.petitions.choices import PetitionEventKind, PetitionState, SignatureChannel
from voting.petitions.models import Petition, PetitionEvent, PetitionSignature, SignatureWithdrawal
from voting.scans import validate_scan


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
        raise PermissionDenied(not_an_owner())
    identity = counting.identity_of(actor, estate)
    if identity is None:
        raise PermissionDenied(not_an_owner())
    title, matters, reason = title.strip(), matters.strip(), reason.strip()
    if not (title and matters and reason):
        raise ValidationError(_("请填写提议事项、提请审议的事项和提议理由。"))
    now = now or timezone.now()
    rules = settings_of(estate)
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
    """Sign a petition online as the verified owner one is (not while its words are hidden:
    nobody signs a text they cannot read; signatures given stand, paper ones are entered)."""
    petition = lock_petition(petition)
    estate = petition.estate
    if not permissions.may(actor, "petition", estate):
        raise PermissionDenied(not_an_owner())
    if not visibility.is_shown(petition):
        raise ValidationError(
            _("该提议的文字已被隐藏，恢复显示前暂不能在线签名；已有签名照常计算。")
        )
    identity = counting.identity_of(actor, estate)
    if identity is None:
        raise PermissionDenied(not_an_owner())
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
    petition = lock_petition(petition)
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
    refuse_unless_open(petition)
    heads = counting.register_heads(petition.estate)
    if not any(identity.pk in head.holders for head in heads):
        raise ValidationError(_("该业主不在本小区现行业主名册中，不能计入提议。"))
    refuse_second_signature(petition, identity, heads)
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
    notify_about(
        users_by_ids(user_ids(estate, "committee")),
        title=_("临时会议提议已达到法定比例"),
        body=_(
            "专有部分面积和人数均已达到规定比例。按《物业管理条例》第十三条，业主委员会应当组织召开"
            "业主大会临时会议，请于 %(due)s 前发布会议公告；逾期将报告社区居委会和街道办事处。"
        )
        % {"due": local_due},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:reached",
        subject=petition,
        urgency="important",
    )
    signer_users = [
        s.signed_by or s.identity.user
        for s in counting.active_signatures(petition).select_related("signed_by", "identity__user")
    ]
    notify_about(
        signer_users,
        title=_("您签名的临时会议提议已达到法定比例"),
        body=_("业主委员会应于 %(due)s 前发布临时会议公告。") % {"due": local_due},
        url=petition.get_absolute_url(),
        estate=estate,
        key=f"petition:{petition.pk}:reached:signers",
        subject=petition,
    )
    return check


@transaction.atomic
def withdraw_signature(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> SignatureWithdrawal:
    """Take back one's own signature, until the petition reaches the threshold."""
    petition = lock_petition(petition)
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
