"""Demo petitions and a roll under check, in both estates (development only; idempotent).

锦绣花园: a petition gathering signatures (under the threshold), one that reached it 40 days
ago and was escalated because the committee let its 30 days pass, and objections to the roll
of the announced meeting (an area corrected, one rejected, one waiting for a decision, and a
flat bought second-hand that the register still listed under its seller, now registered to the
buyer: a missing unit upheld).
翠湖苑: a petition that reached the threshold and led to its (past, certified) meeting.

Everything goes through the actions, at its date in the past, so the records and the audit log
are what the code would have made. Called from demo.district.seed_activity.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.voting import ASSEMBLY, PAST_ASSEMBLY
from portal.community.choices import IdentityKind, UnitState
from portal.community.models import Estate, OwnerIdentity, Ownership
from portal.community.phone import normalize_phone
from voting import objections, petition_rules
from voting.choices import AssemblyState
from voting.models import AssemblyPage, RollObjection
from voting.petitions import actions, counting
from voting.petitions.models import Petition

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

OPEN_PETITION = {
    "title": "提议召开临时会议，表决增设电动自行车集中充电棚",
    "matters": "一、在2栋、5栋北侧绿化带边增设两处电动自行车集中充电棚；\n二、建设费用从公共收益中列支。",
    "reason": "楼道内停放和充电的电动自行车越来越多，去年冬天4栋曾发生电瓶冒烟，消防隐患大。"
    "业委会年度会议要到明年才开，等不及。",
    "draft_motions": "关于利用共有部分增设电动自行车集中充电棚的议案（改变共有部分用途，特别事项）。",
}
ESCALATED_PETITION = {
    "title": "提议召开临时会议，审计专项维修资金使用情况并补选业委会委员",
    "matters": "一、委托第三方审计近三年专项维修资金使用情况；\n二、补选业主委员会委员两名。",
    "reason": "两名委员已搬离小区一年多，维修资金使用明细一直没有公示。",
}
CUIHU_PETITION = {
    "title": "提议召开业主大会会议，决定物业续聘和外墙维修",
    "matters": "一、物业服务合同到期后的续聘；\n二、使用专项维修资金维修2栋、3栋外墙渗水。",
    "reason": "物业合同6月到期，外墙渗水已影响十几户，需要业主大会尽快决定。",
}


def _user(phone: str):
    return get_user_model().objects.filter(phone=normalize_phone(phone)).first()


def _members(estate: Estate, *, exclude: set[int]) -> list:
    """Return the linked owners of the estate in a fixed order (their accounts)."""
    users = []
    for identity in (
        OwnerIdentity.objects.filter(estate=estate, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    ):
        if identity.user_id not in exclude:
            users.append(identity.user)
    return users


def _sign_until(petition: Petition, people: list, *, start, step: timedelta, stop_short: bool):
    """Sign in order, each a step later; stop before the threshold when ``stop_short``."""
    heads = counting.register_heads(petition.estate)
    at = start
    for person in people:
        petition = Petition.objects.prefetch_related("events").get(pk=petition.pk)
        if not petition.is_open:
            return
        if stop_short:
            signers = counting.signer_ids(petition)
            identity = counting.identity_of(person, petition.estate)

            if identity is None:
                continue
            would = petition_rules.evaluate(
                heads,
                signers | {identity.pk},
                area_share=petition.area_share,
                heads_share=petition.heads_share,
            )
            if would.area.passed or would.heads.passed:
                return
        at += step
        try:
            actions.sign_petition(petition, actor=person, now=at)
        except Exception:  # a co-owner whose head already signed: skip them, as a person would
            continue


def seed_petitions(estates: dict[str, Estate]) -> int:
    """Create the demo petitions once; return how many were created."""
    made = 0
    now = timezone.now()
    jinxiu, cuihu = estates.get("jinxiu"), estates.get("cuihu")
    if jinxiu is not None and not Petition.objects.filter(estate=jinxiu).exists():
        owner, chair = _user("13800138001"), _user("13800138004")
        members = _members(jinxiu, exclude={owner.pk})
        random.Random("petitions-jinxiu").shuffle(members)
        escalated = actions.open_petition(
            jinxiu, actor=members[0], now=now - timedelta(days=52), **ESCALATED_PETITION
        )
        _sign_until(
            escalated,
            members[1:],
            start=now - timedelta(days=52),
            step=timedelta(minutes=100),
            stop_short=False,
        )
        actions.escalate_overdue(now=now - timedelta(days=1))
        opened = actions.open_petition(
            jinxiu, actor=owner, now=now - timedelta(days=6), **OPEN_PETITION
        )
        _sign_until(
            opened,
            list(reversed(members))[:60],
            start=now - timedelta(days=6),
            step=timedelta(hours=2),
            stop_short=True,
        )
        if chair is not None:
            unlinked = (
                OwnerIdentity.objects.filter(estate=jinxiu, kind="person", user__isnull=True)
                .order_by("pk")
                .first()
            )
            if unlinked is not None:  # a paper petition the committee entered with its scan
                actions.enter_paper_signature(
                    opened,
                    actor=chair,
                    identity=unlinked,
                    scan=SimpleUploadedFile("paper-petition.png", PNG),
                    now=now - timedelta(days=2),
                )
        made += 2
    if cuihu is not None and not Petition.objects.filter(estate=cuihu).exists():
        owner_b, chair_b = _user("13800138011"), _user("13800138012")
        members = _members(cuihu, exclude={owner_b.pk} if owner_b else set())
        started = now - timedelta(days=100)
        petition = actions.open_petition(
            cuihu, actor=owner_b or members[0], now=started, **CUIHU_PETITION
        )
        _sign_until(petition, members, start=started, step=timedelta(minutes=40), stop_short=False)
        assembly = AssemblyPage.objects.filter(slug=PAST_ASSEMBLY["slug"]).first()
        petition = Petition.objects.prefetch_related("events").get(pk=petition.pk)
        if assembly is not None and chair_b is not None and not petition.is_open:
            actions.record_meeting_announced(
                petition,
                actor=chair_b,
                assembly=assembly,
                now=assembly.notice_published_at or now - timedelta(days=80),
            )
        made += 1
    return made


def seed_roll_check(estate: Estate) -> int:
    """Add objections to the roll of the estate's announced meeting; return how many were added."""
    assembly = AssemblyPage.objects.filter(
        slug=ASSEMBLY["slug"], state=AssemblyState.ANNOUNCED
    ).first()
    if assembly is None or RollObjection.objects.filter(assembly=assembly).exists():
        return 0
    chair = _user("13800138004")
    owner = _user("13800138001")
    people = [owner] + _members(estate, exclude={owner.pk})[5:7]
    made = 0
    for index, person in enumerate(people):
        identity = objections.own_identity(person, assembly)
        unit = identity.ownerships.filter(ended_at__isnull=True).first().unit if identity else None
        if unit is None:
            continue
        claimed = (unit.exclusive_area - Decimal("1.20")).quantize(Decimal("0.01"))
        objection = objections.file_objection(
            assembly,
            actor=person,
            kind="area",
            unit=unit,
            claimed_area=claimed,
            explanation="不动产权证书记载的专有部分面积与名册不一致，附证书照片。",
            evidence=SimpleUploadedFile("certificate.png", PNG),
        )
        made += 1
        if index == 1:
            objections.decide_objection(
                objection,
                actor=chair,
                upheld=True,
                reason="与不动产登记中心出具的面积证明一致，名册录入时误用了合同面积。",
            )
        elif index == 2:
            objections.decide_objection(
                objection,
                actor=chair,
                upheld=False,
                reason="所附为购房合同面积；名册采用的是不动产登记面积，二者不同属正常。",
            )
    buyers = _members(estate, exclude={owner.pk})[7:8]
    if buyers and _missing_unit_upheld(assembly, buyers[0], chair):
        made += 1
    return made


def _missing_unit_upheld(assembly: AssemblyPage, buyer, chair) -> bool:
    """A flat bought second-hand, still under its seller in the register, is registered to the buyer."""
    sold = (
        Ownership.objects.filter(
            unit__building__estate=assembly.page_estate,
            ended_at__isnull=True,
            identity__user__isnull=True,
            identity__kind=IdentityKind.PERSON,
        )
        .exclude(unit__state__in=UnitState.developer_held())
        .exclude(unit__ownerships__identity__user=buyer)
        .select_related("unit__building")
        .order_by("-unit__building__sort_key", "-unit__floor", "unit__number", "pk")
    )
    flat = next(
        (o.unit for o in sold if o.unit.ownerships.filter(ended_at__isnull=True).count() == 1),
        None,
    )
    if flat is None:
        return False
    objection = objections.file_objection(
        assembly,
        actor=buyer,
        kind="missing_unit",
        explanation=f"{flat.building.name}{flat.number} 是我去年从原业主处购买的二手房，"
        "已办理过户，名册仍登记在原业主名下。附新的不动产权证书。",
        evidence=SimpleUploadedFile("certificate.png", PNG),
    )
    objections.decide_objection(
        objection,
        actor=chair,
        upheld=True,
        reason="核对不动产登记中心的过户记录，该房屋已于去年过户给异议人；原业主的产权终止并留档。",
        unit=flat,
    )
    return True
