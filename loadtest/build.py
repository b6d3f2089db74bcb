"""Build the load test's estate: 5,000 units, their owners, notices, a thread, an open assembly.

Run by `python -m loadtest` with the production settings against the fresh database
gz_loadtest; prints one JSON line with what the simulated users need. Everything goes through
the real actions (create_estate, link_identity, announce_assembly, open_voting, start_thread),
bulk-creating only the register rows an import would write.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from decimal import Decimal

UNITS = int(os.environ.get("LOADTEST_UNITS", "5000"))
PER_BUILDING = 200
CHAIR_PHONE = "+8613700000000"
CHAIR_PASSWORD = "loadtest-chair-password"
# A fixed base32 secret for the chair's authenticator app: the committee's simulated user
# computes its TOTP codes (RFC 6238) from it, as the app on the chair's phone would.
CHAIR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def owner_phone(n: int) -> str:
    return f"+86139{n:08d}"


def unit_of(n: int) -> tuple[str, str]:
    """Return (building name, unit number) of the n-th unit."""
    return f"{n // PER_BUILDING + 1}栋", f"{(n % PER_BUILDING) // 4 + 1}{n % 4 + 1:02d}"


def build() -> dict:
    # Imported after django.setup() in main(): this script configures Django itself.
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page, Site

    from deliberation import actions as deliberation_actions
    from deliberation.choices import ThreadKind
    from portal.community.actions import create_estate, grant_role, link_identity
    from portal.community.choices import IdentityKind, RoleKind
    from portal.community.models import (
        Building,
        Community,
        OwnerIdentity,
        Ownership,
        SubDistrict,
        Unit,
    )
    from portal.home.models import HomePage
    from portal.notices.models import NoticeIndexPage, NoticePage
    from voting import actions
    from voting.choices import Matter, MotionKind
    from voting.models import AssemblyIndexPage, AssemblyPage, Motion

    now = timezone.now()
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="压测街道", slug="district"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "127.0.0.1", "port": 80},
        )
    sub_district, _ = SubDistrict.objects.get_or_create(name="压测街道")
    community, _ = Community.objects.get_or_create(sub_district=sub_district, name="压测社区")
    estate = create_estate(community=community, name="压测花园", slug="loadtest")

    User = get_user_model()
    chair = User.objects.create_user(
        username="loadtest-chair", phone=CHAIR_PHONE, phone_verified=True, email="chair@lt.test"
    )
    chair.set_password(CHAIR_PASSWORD)
    chair.save()
    grant_role(chair, RoleKind.COMMITTEE_CHAIR, estate=estate)
    TOTP.activate(chair, CHAIR_TOTP_SECRET)

    # Notices first, while the estate has no members: nobody to notify at build time.
    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    notice_urls = []
    for n, (title, ack) in enumerate(
        [
            ("关于召开2026年业主大会会议的公告", True),
            ("电梯年度检验通知", False),
            ("2026年度物业服务费用收支公示", False),
        ]
    ):
        notice = NoticePage(
            title=title,
            slug=f"notice-{n}",
            summary=title,
            requires_acknowledgement=ack,
            body=[("paragraph", "<p>" + "请各位业主留意。" * 40 + "</p>")],
            live=False,
        )
        index.add_child(instance=notice)
        notice.save_revision().publish(skip_permission_checks=True)
        notice_urls.append(notice.url)

    buildings = Building.objects.bulk_create(
        Building(estate=estate, name=f"{b + 1}栋")
        for b in range((UNITS + PER_BUILDING - 1) // PER_BUILDING)
    )
    users = User.objects.bulk_create(
        User(username=f"lt-owner-{n}", phone=owner_phone(n), phone_verified=True)
        for n in range(UNITS)
    )
    units = Unit.objects.bulk_create(
        Unit(
            building=buildings[n // PER_BUILDING],
            number=unit_of(n)[1],
            floor=(n % PER_BUILDING) // 4 + 1,
            exclusive_area=Decimal("60.00") + Decimal(n % 90),
        )
        for n in range(UNITS)
    )
    identities = OwnerIdentity.objects.bulk_create(
        OwnerIdentity(
            estate=estate,
            kind=IdentityKind.PERSON,
            name=f"业主{n}",
            mobile=users[n].phone,
            id_hash=f"{n:064x}",
        )
        for n in range(UNITS)
    )
    Ownership.objects.bulk_create(
        Ownership(unit=unit, identity=identity)
        for unit, identity in zip(units, identities, strict=True)
    )
    # One transaction for the 5,000 links (each an audit record and a role), as the register
    # import does: one commit instead of 5,000.
    with transaction.atomic():
        for identity, user in zip(identities, users, strict=True):
            link_identity(identity, user, how="loadtest")

    thread = deliberation_actions.start_thread(
        estate,
        chair,
        kind=ThreadKind.TOPIC,
        title="关于电梯更换方案的讨论",
        body="请大家在投票前充分讨论电梯更换的方案和费用分摊。",
    )

    assembly_index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    page = AssemblyPage(
        title="2026年第一次业主大会会议",
        slug="assembly-2026",
        voting_opens_at=now - timedelta(days=6),
        voting_closes_at=now + timedelta(hours=1),
    )
    page.motions = [
        Motion(title="续聘物业服务企业", matter=Matter.PROPERTY_COMPANY),
        Motion(title="使用专项维修资金更换电梯", matter=Matter.REBUILD),
        Motion(
            title="选举业主委员会委员",
            matter=Matter.COMMITTEE_ELECTION,
            kind=MotionKind.ELECTION,
            seats=5,
            candidate_names="王建国\n李秀英\n张伟\n刘洋\n陈静\n杨磊",
        ),
    ]
    assembly_index.add_child(instance=page)
    actions.announce_assembly(page, actor=chair, now=now - timedelta(days=21))
    actions.record_residents_committee_informed(
        page, actor=chair, informed_whom="压测社区居民委员会", informed_at=now - timedelta(days=21)
    )
    actions.open_voting(page, actor=chair)
    assembly = AssemblyPage.objects.get(pk=page.pk)
    return {
        "estate_slug": estate.slug,
        "estate_id": estate.pk,
        "assembly_id": assembly.pk,
        "assembly_url": assembly.url,
        "notice_index_url": index.url,
        "notice_urls": notice_urls,
        "thread_url": f"/discuss/{estate.slug}/t/{thread.pk}/",
        "chair_phone": CHAIR_PHONE,
        "chair_password": CHAIR_PASSWORD,
        "chair_totp_secret": CHAIR_TOTP_SECRET,
        "units": UNITS,
    }


def main() -> int:
    import django

    django.setup()
    from django_q.conf import Conf

    # What building the estate fans out (the opening notice) runs here, before the cluster.
    Conf.SYNC = True
    print(json.dumps(build(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
