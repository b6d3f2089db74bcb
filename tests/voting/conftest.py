"""Fixtures for the voting tests: a register with a multi-unit owner and a developer,
an assembly meeting with a resolution, a special matter and an election, open for voting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.community import actions as community_actions
from portal.community.choices import IdentityKind, UnitState
from portal.community.models import OwnerIdentity, Unit
from tests.factories import (
    BuildingFactory,
    OwnerIdentityFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)
from tests.stored_notifications import StoredNotifications
from voting import actions
from voting.choices import Matter, MotionKind
from voting.models import AssemblyIndexPage, AssemblyPage, Motion, VotingRight

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n% scan of a signed paper\n"


def png_scan(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf_scan(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def notifications(db) -> StoredNotifications:
    """What the voting code sent through the real notify(): `notifications.sent`, oldest first."""
    return StoredNotifications()


@dataclass
class Register:
    """The extra register of 锦绣花园 used by the voting tests."""

    multi_owner: object  # 陈志刚: three flats in 5栋, 90 ㎡ each
    multi_units: list[Unit]
    developer: OwnerIdentity
    developer_units: list[Unit]
    unlinked_identity: OwnerIdentity  # an owner who has no account yet
    unregistered_unit: Unit  # a flat with no owner in the register


@pytest.fixture
def register(world_a, owner, owner_building1, tenant) -> Register:
    estate = world_a.estate
    b5 = BuildingFactory(estate=estate, name="5栋")
    b7 = BuildingFactory(estate=estate, name="7栋")
    user = UserFactory(display_name="陈志刚")
    identity = OwnerIdentityFactory(estate=estate, name="陈志刚", mobile=user.phone)
    units = [
        UnitFactory(
            building=b5, number=number, floor=int(number[0]), exclusive_area=Decimal("90.00")
        )
        for number in ("101", "201", "301")
    ]
    for unit in units:
        OwnershipFactory(unit=unit, identity=identity)
    community_actions.link_identity(identity, user, how="test")
    developer = OwnerIdentityFactory(
        estate=estate, kind=IdentityKind.DEVELOPER, name="锦绣置业有限公司"
    )
    developer_units = [
        UnitFactory(
            building=b7,
            number="1101",
            floor=11,
            exclusive_area=Decimal("130.25"),
            state=UnitState.DEVELOPER_UNSOLD,
        ),
        UnitFactory(
            building=b7,
            number="1201",
            floor=12,
            exclusive_area=Decimal("130.25"),
            state=UnitState.SOLD_UNDELIVERED,
        ),
    ]
    unlinked = OwnerIdentityFactory(estate=estate, name="周建华")
    OwnershipFactory(
        unit=UnitFactory(building=b7, number="301", floor=3, exclusive_area=Decimal("75.30")),
        identity=unlinked,
    )
    unregistered = UnitFactory(building=b7, number="401", floor=4, exclusive_area=Decimal("75.30"))
    return Register(user, units, developer, developer_units, unlinked, unregistered)


def make_assembly(estate, *, opens_at, closes_at, title="2026年第一次业主大会会议", **options):
    """Create a live draft assembly with a resolution, a special matter and an election."""
    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    page = AssemblyPage(
        title=title,
        slug=f"assembly-{AssemblyPage.objects.count() + 1}",
        intro="本次会议采用线上投票与书面征求意见相结合的形式。",
        voting_opens_at=opens_at,
        voting_closes_at=closes_at,
        **options,
    )
    page.motions = [
        Motion(
            title="续聘锦城物业服务有限公司",
            text="续聘锦城物业为本小区物业服务企业，服务期三年，收费标准不变。",
            matter=Matter.PROPERTY_COMPANY,
            kind=MotionKind.RESOLUTION,
        ),
        Motion(
            title="使用专项维修资金更换 3 栋电梯",
            text="预算 68 万元，由 3 栋业主分摊的维修资金列支。",
            matter=Matter.REBUILD,
            kind=MotionKind.RESOLUTION,
        ),
        Motion(
            title="选举第二届业主委员会委员",
            text="应选 5 人，每位业主最多选 5 人。",
            matter=Matter.COMMITTEE_ELECTION,
            kind=MotionKind.ELECTION,
            seats=5,
            candidate_names="王建国\n李秀英\n张伟\n刘洋\n陈静\n杨磊",
        ),
    ]
    index.add_child(instance=page)
    return AssemblyPage.objects.get(pk=page.pk)


@pytest.fixture
def draft_assembly(estate_a, register) -> AssemblyPage:
    now = timezone.now()
    return make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=30)
    )


def inform_residents_committee(page, chair, *, at=None):
    """Record that 和平社区居委会 was told of the meeting (物业管理条例 Art. 14)."""
    return actions.record_residents_committee_informed(
        page, actor=chair, informed_whom="和平社区居民委员会 吴主任", informed_at=at, how="书面送达"
    )


def open_assembly(estate, chair, **options) -> AssemblyPage:
    """Return an assembly announced 20 days ago whose voting window includes now."""
    now = timezone.now()
    page = make_assembly(
        estate,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=10),
        **options,
    )
    actions.announce_assembly(page, actor=chair, now=now - timedelta(days=20))
    inform_residents_committee(page, chair, at=now - timedelta(days=20))
    actions.open_voting(page, actor=chair)
    return AssemblyPage.objects.get(pk=page.pk)


@pytest.fixture
def assembly(estate_a, register, committee_chair) -> AssemblyPage:
    return open_assembly(estate_a, committee_chair)


def right_of(user, assembly) -> VotingRight:
    return VotingRight.objects.get(assembly=assembly, holders__user=user)


def motions_of(assembly):
    """Return (ordinary resolution, special resolution, election) of the fixture assembly."""
    resolution, special, election = assembly.motions.order_by("sort_order", "pk")
    return resolution, special, election


def full_choices(assembly, *, candidates: int = 2) -> dict:
    resolution, special, election = motions_of(assembly)
    picked = list(election.candidates.values_list("pk", flat=True)[:candidates])
    return {resolution.pk: "agree", special.pk: "oppose", election.pk: picked}
