"""The demo sub-district: two estates, their registers, and one account per role.

Development only: the passwords below are published in the README and must never exist on a
production site (seed_demo refuses to run when DEBUG is off unless --force is given).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import notices as notices_demo
from demo.cast import (  # re-exported: tests and commands read the cast here
    ACCOUNTS,
    DEMO_PASSWORD,
    DEVELOPER,
    ESTATES,
    GIVEN,
    OWNED_BY_ACCOUNT,
    SURNAMES,
    DemoAccount,
    EstateSpec,
)
from demo.consultations import seed_consultations
from demo.deliberation import seed_deliberation
from demo.disclosures import seed_disclosures
from demo.discussion_history import seed_history as seed_discussion_history
from demo.knowledge import seed_knowledge
from demo.oversight import seed_oversight
from demo.petitions import seed_petitions, seed_roll_check
from demo.proposals import seed_proposals
from demo.voting import seed_assembly, seed_past_assembly
from portal.community import actions
from portal.community.choices import IdentityKind, RoleKind, Visibility
from portal.community.models import Community, Estate, OwnerIdentity, SubDistrict
from portal.community.phone import normalize_phone
from portal.community.register import import_rows
from portal.community.register.id_numbers import check_character
from portal.home.models import HomePage, StandardPage
from search.index import rebuild


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random, n: int) -> str:
    body = f"330106{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{n % 1000:03d}"
    rng.choice("0123456789X")  # drawn as before, so the rest of the demo stays the same
    return body + check_character(body)


def register_rows(spec: EstateSpec) -> list[dict[str, str]]:
    """Return the estate's register as the import columns, deterministic for a given spec."""
    rng = random.Random(spec.seed)
    accounts = {a.key: a for a in ACCOUNTS}
    rows: list[dict[str, str]] = []
    sources = ["不动产登记"] * 8 + ["测绘"] + ["合同"]
    n = 0
    for b in range(1, spec.buildings + 1):
        building = f"{b}栋"
        for floor in range(1, spec.floors + 1):
            for door in range(1, spec.per_floor + 1):
                n += 1
                number = f"{floor}{door:02d}"
                area = Decimal(rng.randint(4500, 18000)) / 100
                state = "已售已交付"
                owner_name, id_number, mobile = (
                    _name(rng),
                    _id_number(rng, n),
                    f"139{rng.randint(10000000, 99999999)}",
                )
                key = OWNED_BY_ACCOUNT.get((spec.slug, building, number))
                if key is not None:
                    account = accounts[key]
                    owner_name, mobile = account.name, account.phone
                    body = f"33010619750612{list(accounts).index(key):03d}"
                    id_number = body + check_character(body)
                    if key == "owner3":
                        area = Decimal("90.00")
                # The developer still holds the top floors of the last building in 锦绣花园.
                elif spec.slug == "jinxiu" and b == spec.buildings and floor >= spec.floors - 2:
                    state = "开发商未售" if door != 1 else "已售未交付"
                    owner_name, id_number, mobile = DEVELOPER["name"], DEVELOPER["id"], ""
                rows.append(
                    {
                        "楼栋": building,
                        "房号": number,
                        "楼层": str(floor),
                        "专有部分面积": f"{area:.2f}",
                        "面积来源": rng.choice(sources),
                        "业主姓名": owner_name,
                        "证件号码": id_number,
                        "手机号": mobile,
                        "房屋状态": state,
                    }
                )
    return rows


@transaction.atomic
def seed(*, stdout=None, with_activity: bool = True) -> dict[str, int]:
    """Create or complete the demo sub-district; running it again changes nothing.

    `with_activity` adds what happens on the portal: member accounts, notices today and a
    year of history. Without it, only the places, register, demo accounts and pages.
    """
    User = get_user_model()
    sub_district, _ = SubDistrict.objects.get_or_create(
        name="阳光街道", defaults={"city": "杭州市", "district": "西湖区"}
    )
    home = HomePage.objects.first()
    if home and home.sub_district_id != sub_district.pk:
        home.title = "阳光街道 · 共治"
        home.sub_district = sub_district
        home.intro = (
            "<p>阳光街道各小区的业主、业委会、物业和社区在这里发布公告、征求意见、"
            "召开业主大会、反映问题、共同议事。</p>"
        )
        home.save_revision().publish()

    counts = {"units": 0}
    estates: dict[str, Estate] = {}
    for spec in ESTATES:
        community, _ = Community.objects.get_or_create(
            sub_district=sub_district,
            name=spec.community,
            defaults={"residents_committee": f"{spec.community}居民委员会"},
        )
        estate = Estate.objects.filter(slug=spec.slug).first() or actions.create_estate(
            community=community,
            name=spec.name,
            slug=spec.slug,
            address=spec.address,
            property_company=spec.property_company,
        )
        estates[spec.slug] = estate
        result = import_rows(estate, register_rows(spec), actor=None, source_name="seed_demo")
        if result.errors:
            raise RuntimeError(f"demo register for {spec.name} is invalid: {result.errors[:3]}")
        counts["units"] += estate.units().count()

    for account in ACCOUNTS:
        phone = normalize_phone(account.phone)
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                phone=phone,
                phone_verified=True,
                display_name=account.name,
            )
            user.privacy_consent_at = timezone.now()
            user.save(update_fields=["privacy_consent_at"])
        if account.key == "admin" and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        _ensure_role(user, account, estates, sub_district)
        actions.link_by_verified_phone(user)

    _ensure_demo_pages(estates["jinxiu"])
    seed_knowledge(HomePage.objects.first(), estates["jinxiu"])
    counts["accounts"] = len(ACCOUNTS)
    if with_activity:
        seed_activity(estates, counts)
    return counts


def seed_activity(estates: dict[str, Estate], counts: dict[str, int]) -> None:
    """Add members and what they did over the past year; each part runs once."""
    User = get_user_model()
    counts["members"] = sum(ensure_demo_members(estate) for estate in estates.values())

    staff = User.objects.filter(phone=normalize_phone("13800138006")).first()
    for estate in estates.values():
        counts["notice_history"] = counts.get("notice_history", 0) + notices_demo.seed_history(
            estate
        )
        counts["notices"] = counts.get("notices", 0) + notices_demo.seed_current(
            estate, publisher=staff
        )
    # Before the discussion area's demo: its questions are dated in the past, and the posting
    # rate limit counts every later post of the same person.
    counts["disclosures"] = seed_disclosures(estates)
    counts["threads"] = seed_deliberation(estates)
    seed_oversight(estates)
    counts["thread_history"] = seed_discussion_history(estates)
    seed_consultations(estates["jinxiu"])
    chair_b = User.objects.get(phone=normalize_phone("13800138012"))
    counts["past_assemblies"] = int(seed_past_assembly(estates["cuihu"], chair=chair_b))
    counts["proposals"] = seed_proposals(estates)
    seed_assembly_and_index(estates["jinxiu"])
    # Owners' initiative: petitions in both estates, objections to the roll.
    counts["petitions"] = seed_petitions(estates)
    counts["roll_objections"] = seed_roll_check(estates["jinxiu"])


# A share of the register's owners have joined the portal (by their verified mobile), so the
# figures for acknowledgement, participation and response look like a real estate's.
MEMBER_SHARE = 0.5


def ensure_demo_members(estate: Estate, *, share: float = MEMBER_SHARE) -> int:
    """Give a deterministic share of the estate's owners an account; return how many were added.

    They sign in by SMS code only (no password), like most owners do.
    """
    User = get_user_model()
    rng = random.Random(f"members-{estate.slug}")
    added = 0
    identities = (
        OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.PERSON)
        .exclude(mobile="")
        .order_by("pk")
    )
    taken = set(User.objects.filter(phone__isnull=False).values_list("phone", flat=True))
    for identity in identities:
        # One draw per identity in a fixed order, so a second run picks the same people.
        if rng.random() >= share or identity.user_id or identity.mobile in taken:
            continue
        taken.add(identity.mobile)
        user = User.objects.create_user(
            phone=identity.mobile, phone_verified=True, display_name=identity.name
        )
        actions.link_identity(identity, user, how="seed_demo")
        added += 1
    return added


def seed_assembly_and_index(estate: Estate) -> None:
    """Add the estate's announced assembly meeting, then rebuild the search index."""
    chair = get_user_model().objects.get(phone=normalize_phone("13800138004"))
    seed_assembly(estate, convener=chair)
    # The demo dates pages back with queryset updates; index what is finally there.
    transaction.on_commit(rebuild)


def _ensure_role(user, account: DemoAccount, estates: dict[str, Estate], sub_district) -> None:
    if account.role in (None, RoleKind.OWNER):
        return  # owners become owners by linking their verified phone to the register
    if account.role == RoleKind.COMMUNITY_OFFICIAL:
        actions.grant_role(user, account.role, community=estates["jinxiu"].community)
    elif account.role == RoleKind.SUBDISTRICT_OFFICIAL:
        actions.grant_role(user, account.role, sub_district=sub_district)
    elif account.role == RoleKind.RESIDENT:
        estate = estates[account.estate]
        unit = estate.units().get(building__name="3栋", number="502")
        actions.grant_role(user, account.role, estate=estate, unit=unit)
    else:
        actions.grant_role(user, account.role, estate=estates[account.estate])


def _ensure_demo_pages(estate: Estate) -> None:
    estate_page = estate.page
    if StandardPage.objects.child_of(estate_page).exists():
        return
    estate_page.intro = (
        "<p>锦绣花园建成于 2012 年，共 6 栋住宅、480 户。业主委员会于 2024 年换届，"
        "物业服务由绿城物业提供。</p>"
    )
    estate_page.save_revision().publish()
    about = StandardPage(
        title="物业服务中心与业委会联系方式",
        slug="contacts",
        visibility=Visibility.MEMBERS,
        body=[
            ("paragraph", "<p>以下联系方式仅向本小区业主和住户公开，请勿外传。</p>"),
            (
                "key_facts",
                {
                    "title": "联系方式",
                    "facts": [
                        {"label": "物业服务中心", "value": "3栋一楼，每天 8:00–20:00"},
                        {"label": "24 小时报修", "value": "0571-8888 6666"},
                        {"label": "业委会接待日", "value": "每月第一个周六 9:00–11:00，会所二楼"},
                    ],
                },
            ),
        ],
    )
    estate_page.add_child(instance=about)
    about.save_revision().publish()
