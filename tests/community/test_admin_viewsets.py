"""The 小区管理 admin: each screen shows and changes only what permissions.py allows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.community import actions
from portal.community.choices import ClaimStatus, RoleKind
from portal.community.models import AuditEvent, Estate, MembershipClaim, Role, Unit
from portal.home.models import EstatePage
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings, tmp_path):
    # The MFA gate for staff is tested with the accounts app; here it would only redirect.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    settings.MEDIA_ROOT = tmp_path / "media"


def url(viewset: str, view: str = "index", *args: object) -> str:
    return reverse(f"community_{viewset}:{view}", args=args)


def assert_refused(response) -> None:
    """Assert Wagtail's refusal of a view the user lacks rights for: home, with an error."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")
    assert ERROR in [message.level for message in get_messages(response.wsgi_request)]


@pytest.fixture
def register_a(world_a):
    """王小芳 owns 3栋502 of 锦绣花园, as the register has her."""
    identity = OwnerIdentityFactory(
        estate=world_a.estate,
        name="王小芳",
        mobile="+8613800138000",
        id_hash="a" * 64,
        id_last4="1234",
    )
    OwnershipFactory(unit=world_a.building3_unit, identity=identity)
    return identity


@pytest.fixture
def register_b(world_b):
    identity = OwnerIdentityFactory(
        estate=world_b.estate, name="马东升", mobile="+8613900139000", id_last4="5678"
    )
    OwnershipFactory(unit=world_b.building1_unit, identity=identity)
    return identity


def _claim(unit: Unit, name: str, *, evidence: bytes | None = None) -> MembershipClaim:
    applicant = UserFactory(display_name=name)
    upload = SimpleUploadedFile("fangchanzheng.jpg", evidence, "image/jpeg") if evidence else None
    return actions.submit_claim(
        applicant,
        unit=unit,
        kind=MembershipClaim.Kind.RESIDENT,
        claimant_name=name,
        note="租住本房屋，附租赁合同",
        evidence=upload,
    )


@pytest.fixture
def claim_a(world_a) -> MembershipClaim:
    return _claim(world_a.building1_unit, "赵小红", evidence=b"\xff\xd8contract-a")


@pytest.fixture
def claim_b(world_b) -> MembershipClaim:
    return _claim(world_b.building1_unit, "钱多多", evidence=b"\xff\xd8contract-b")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- menu ---------------------------------------------------------------------------------


def _menu_labels(client) -> str:
    # The sidebar is rendered as JSON props, with non-ASCII text escaped.
    return client.get("/admin/").content.decode("unicode_escape", errors="ignore")


def test_site_admin_sees_the_whole_community_menu(as_user, site_admin):
    labels = _menu_labels(as_user(site_admin))
    for label in ("小区管理", "小区", "楼栋", "房屋", "业主名册", "角色", "认证申请", "审计记录"):
        assert label in labels


def test_chair_sees_the_menu_without_estates_or_roles(as_user, committee_chair):
    labels = _menu_labels(as_user(committee_chair))
    assert "业主名册" in labels and "认证申请" in labels and "审计记录" in labels
    assert url("roles") not in labels
    assert url("estates") not in labels


# --- estates ------------------------------------------------------------------------------


def test_site_admin_creates_an_estate_with_its_pages_and_groups(as_user, site_admin, community_a):
    client = as_user(site_admin)
    response = client.post(
        url("estates", "add"),
        {
            "community": community_a.pk,
            "name": "春江名苑",
            "slug": "chunjiang",
            "address": "江滨路 9 号",
            "property_company": "绿城物业",
        },
    )
    assert response.status_code == 302
    estate = Estate.objects.get(slug="chunjiang")
    page = EstatePage.objects.get(estate=estate)
    assert {child.slug for child in page.get_children()} == {
        "notices",
        "consultations",
        "assemblies",
        "knowledge",
    }
    assert Group.objects.filter(name="chunjiang:committee_chair").exists()
    assert AuditEvent.objects.filter(
        action="estate.created", estate=estate, actor=site_admin
    ).exists()


def test_estate_with_a_taken_slug_is_refused_and_nothing_is_made(as_user, site_admin, estate_a):
    client = as_user(site_admin)
    pages_before = EstatePage.objects.count()
    response = client.post(
        url("estates", "add"),
        {"community": estate_a.community_id, "name": "锦绣花园二期", "slug": "jinxiu"},
    )
    assert response.status_code == 200
    assert "网址标识" in response.content.decode()
    assert EstatePage.objects.count() == pages_before
    assert not Estate.objects.filter(name="锦绣花园二期").exists()


def test_chair_cannot_list_or_create_estates(as_user, committee_chair):
    client = as_user(committee_chair)
    assert_refused(client.get(url("estates")))
    assert_refused(client.post(url("estates", "add"), {"name": "x", "slug": "x"}))
    assert not Estate.objects.filter(slug="x").exists()


def test_estates_have_no_edit_or_delete_view():
    for view in ("edit", "delete"):
        with pytest.raises(NoReverseMatch):
            url("estates", view, 1)


# --- buildings and units -----------------------------------------------------------------


def test_chair_lists_only_as_units_with_exact_areas(as_user, committee_chair, world_a, world_b):
    content = as_user(committee_chair).get(url("units")).content.decode()
    assert "120.50" in content and "88.00" in content
    assert "锦绣花园" in content
    assert "翠湖苑" not in content  # neither in rows nor in the estate/building filters


def test_units_filter_by_building_and_state(as_user, committee_chair, world_a):
    client = as_user(committee_chair)
    building3 = world_a.building3_unit.building
    content = client.get(url("units"), {"building": building3.pk}).content.decode()
    assert "3栋502" in content and "1栋101" not in content
    Unit.objects.filter(pk=world_a.building1_unit.pk).update(state="developer_unsold")
    content = client.get(url("units"), {"state": "developer_unsold"}).content.decode()
    assert "1栋101" in content and "3栋502" not in content


def test_units_filter_does_not_accept_bs_building(as_user, committee_chair, world_b):
    response = as_user(committee_chair).get(
        url("units"), {"building": world_b.building1_unit.building_id}
    )
    # B's building is not a valid choice, so the filter is ignored; still nothing of B.
    assert "翠湖苑" not in response.content.decode()


def test_chair_corrects_an_area_exactly_and_it_is_audited(as_user, committee_chair, world_a):
    unit = world_a.building3_unit
    response = as_user(committee_chair).post(
        url("units", "edit", unit.pk),
        {
            "number": "502",
            "floor": 5,
            "exclusive_area": "120.55",
            "area_source": "surveyed",
            "state": "owned",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("120.55")
    event = AuditEvent.objects.get(action="unit.corrected", object_id=str(unit.pk))
    assert event.details["before"]["exclusive_area"] == "120.50"
    assert event.details["after"]["exclusive_area"] == "120.55"
    assert event.actor == committee_chair


def test_a_zero_area_is_refused_and_nothing_changes(as_user, committee_chair, world_a):
    unit = world_a.building3_unit
    response = as_user(committee_chair).post(
        url("units", "edit", unit.pk),
        {
            "number": "502",
            "floor": 5,
            "exclusive_area": "0",
            "area_source": "registered",
            "state": "owned",
        },
    )
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("120.50")
    assert not AuditEvent.objects.filter(action="unit.corrected").exists()


def test_chair_of_a_gets_404_for_bs_unit(as_user, committee_chair, world_b):
    unit = world_b.building3_unit
    client = as_user(committee_chair)
    assert client.get(url("units", "edit", unit.pk)).status_code == 404
    response = client.post(
        url("units", "edit", unit.pk),
        {
            "number": "502",
            "floor": 5,
            "exclusive_area": "1.00",
            "area_source": "registered",
            "state": "owned",
        },
    )
    assert response.status_code == 404
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("120.50")


def test_committee_member_sees_units_but_cannot_edit(as_user, committee_member, world_a):
    client = as_user(committee_member)
    content = client.get(url("units")).content.decode()
    assert "3栋502" in content
    assert url("units", "edit", world_a.building3_unit.pk) not in content
    assert_refused(client.get(url("units", "edit", world_a.building3_unit.pk)))


def test_chair_lists_only_as_buildings(as_user, committee_chair, world_a, world_b):
    content = as_user(committee_chair).get(url("buildings")).content.decode()
    assert "锦绣花园" in content and "翠湖苑" not in content


def test_owner_cannot_reach_the_register_screens(as_user, owner, world_a):
    client = as_user(owner)
    for viewset in ("units", "buildings", "register", "claims", "audit"):
        response = client.get(url(viewset))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# --- owner register -------------------------------------------------------------------------


def test_register_is_masked_for_those_who_do_not_manage_it(as_user, committee_member, register_a):
    content = as_user(committee_member).get(url("register")).content.decode()
    assert "王*芳" in content
    assert "王小芳" not in content
    assert "138****8000" in content and "13800138000" not in content
    assert "****1234" in content
    assert register_a.id_hash not in content
    assert "3栋502" in content


def test_register_shows_full_names_to_the_chair_but_never_the_id(
    as_user, committee_chair, register_a
):
    content = as_user(committee_chair).get(url("register")).content.decode()
    assert "王小芳" in content
    assert "138****8000" in content
    assert "****1234" in content
    assert register_a.id_hash not in content


def test_register_of_b_is_not_listed_for_as_chair(as_user, committee_chair, register_a, register_b):
    content = as_user(committee_chair).get(url("register")).content.decode()
    assert "王小芳" in content
    assert "马东升" not in content and "马*升" not in content and "翠湖苑" not in content


def test_register_is_read_only():
    for view in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            url("register", view, *([1] if view != "add" else []))


# --- roles ------------------------------------------------------------------------------------


def test_site_admin_grants_a_role_by_mobile(as_user, site_admin, estate_a):
    person = UserFactory(display_name="何委员", phone="+8613711112222")
    response = as_user(site_admin).post(
        url("roles", "add"),
        {"phone": "137 1111 2222", "kind": RoleKind.COMMITTEE_MEMBER, "estate": estate_a.pk},
    )
    assert response.status_code == 302
    role = Role.objects.get(user=person, kind=RoleKind.COMMITTEE_MEMBER, estate=estate_a)
    assert role.granted_by == site_admin
    assert person.groups.filter(name="jinxiu:committee_member").exists()
    assert AuditEvent.objects.filter(action="role.granted", object_id=str(role.pk)).exists()


def test_a_role_whose_scope_does_not_fit_is_refused(as_user, site_admin, community_a):
    person = UserFactory(phone="+8613711113333")
    response = as_user(site_admin).post(
        url("roles", "add"),
        {"phone": "13711113333", "kind": RoleKind.COMMITTEE_CHAIR, "community": community_a.pk},
    )
    assert response.status_code == 200
    assert "小区角色需要且只能指定小区" in response.content.decode()
    assert not Role.objects.filter(user=person).exists()


def test_a_role_for_an_unknown_mobile_is_refused(as_user, site_admin, estate_a):
    response = as_user(site_admin).post(
        url("roles", "add"),
        {"phone": "13711119999", "kind": RoleKind.MODERATOR, "estate": estate_a.pk},
    )
    assert response.status_code == 200
    assert "没有使用该手机号的有效账户" in response.content.decode()


def test_site_admin_revokes_a_role_and_the_row_stays(
    as_user, site_admin, committee_member, estate_a
):
    role = Role.objects.get(user=committee_member, kind=RoleKind.COMMITTEE_MEMBER)
    client = as_user(site_admin)
    assert client.get(url("roles", "revoke", role.pk)).status_code == 200
    response = client.post(url("roles", "revoke", role.pk), {"confirm": "on"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.revoked_at is not None and role.revoked_by == site_admin
    assert not committee_member.groups.filter(name="jinxiu:committee_member").exists()
    assert AuditEvent.objects.filter(action="role.revoked", object_id=str(role.pk)).exists()


def test_roles_cannot_be_deleted():
    with pytest.raises(NoReverseMatch):
        url("roles", "delete", 1)


def test_chair_cannot_reach_roles(as_user, committee_chair, committee_member):
    role = Role.objects.get(user=committee_member, kind=RoleKind.COMMITTEE_MEMBER)
    client = as_user(committee_chair)
    assert_refused(client.get(url("roles")))
    assert_refused(client.get(url("roles", "add")))
    assert client.post(url("roles", "revoke", role.pk), {"confirm": "on"}).status_code in (302, 403)
    role.refresh_from_db()
    assert role.revoked_at is None


# --- membership claims ------------------------------------------------------------------


def test_chair_lists_pending_claims_of_a_only(as_user, committee_chair, claim_a, claim_b):
    content = as_user(committee_chair).get(url("claims")).content.decode()
    assert "赵*红" in content
    assert "钱*多" not in content and "翠湖苑" not in content


def test_claim_of_b_is_404_for_as_chair(as_user, committee_chair, claim_b):
    client = as_user(committee_chair)
    assert client.get(url("claims", "decide", claim_b.pk)).status_code == 404
    response = client.post(
        url("claims", "decide", claim_b.pk), {"decision": "approve", "reason": "材料齐全"}
    )
    assert response.status_code == 404
    assert client.get(url("claims", "evidence", claim_b.pk)).status_code == 404
    claim_b.refresh_from_db()
    assert claim_b.status == ClaimStatus.PENDING


def test_chair_views_the_evidence_of_as_claim(as_user, committee_chair, claim_a):
    client = as_user(committee_chair)
    page = client.get(url("claims", "decide", claim_a.pk)).content.decode()
    assert url("claims", "evidence", claim_a.pk) in page
    response = client.get(url("claims", "evidence", claim_a.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8contract-a"
    assert "no-store" in response["Cache-Control"]


def test_a_decision_without_a_reason_is_refused(as_user, committee_chair, claim_a):
    response = as_user(committee_chair).post(
        url("claims", "decide", claim_a.pk), {"decision": "approve", "reason": "  "}
    )
    assert response.status_code == 200
    assert "请填写审核意见" in response.content.decode()
    claim_a.refresh_from_db()
    assert claim_a.status == ClaimStatus.PENDING


def test_chair_approves_a_resident_claim_with_a_reason(as_user, committee_chair, claim_a):
    response = as_user(committee_chair).post(
        url("claims", "decide", claim_a.pk), {"decision": "approve", "reason": "租赁合同真实有效"}
    )
    assert response.status_code == 302
    claim_a.refresh_from_db()
    assert claim_a.status == ClaimStatus.APPROVED
    assert claim_a.decided_by == committee_chair
    assert Role.objects.active().filter(user=claim_a.user, kind=RoleKind.RESIDENT).exists()
    event = AuditEvent.objects.get(action="claim.approved", object_id=str(claim_a.pk))
    assert event.details["reason"] == "租赁合同真实有效"


def test_chair_rejects_a_claim_and_it_leaves_the_queue(as_user, committee_chair, claim_a):
    client = as_user(committee_chair)
    client.post(
        url("claims", "decide", claim_a.pk), {"decision": "reject", "reason": "合同与房号不符"}
    )
    claim_a.refresh_from_db()
    assert claim_a.status == ClaimStatus.REJECTED
    assert "赵*红" not in client.get(url("claims")).content.decode()
    assert "赵*红" in client.get(url("claims"), {"status": "rejected"}).content.decode()


def test_property_staff_cannot_decide_claims(as_user, property_staff, claim_a):
    client = as_user(property_staff)
    assert_refused(client.get(url("claims")))
    assert client.get(url("claims", "decide", claim_a.pk)).status_code == 404
    assert client.get(url("claims", "evidence", claim_a.pk)).status_code == 404


# --- audit log ----------------------------------------------------------------------------


def test_chair_sees_only_as_audit_events(as_user, committee_chair, claim_a, claim_b):
    content = as_user(committee_chair).get(url("audit")).content.decode()
    assert "claim.submitted" in content
    assert "锦绣花园" in content
    assert "翠湖苑" not in content


def test_audit_filters_by_action_and_date(as_user, committee_chair, claim_a):
    client = as_user(committee_chair)
    content = client.get(url("audit"), {"action": "claim."}).content.decode()
    assert "claim.submitted" in content and "estate.created" not in content
    content = client.get(
        url("audit"), {"at_from": "2000-01-01", "at_to": "2000-01-02"}
    ).content.decode()
    assert "claim.submitted" not in content
    today = timezone.localdate(claim_a.created_at).isoformat()
    content = client.get(url("audit"), {"at_from": today, "at_to": today}).content.decode()
    assert "claim.submitted" in content


def test_audit_log_has_no_add_edit_or_delete():
    for view, args in (("add", ()), ("edit", (1,)), ("delete", (1,))):
        with pytest.raises(NoReverseMatch):
            url("audit", view, *args)


def test_property_staff_cannot_view_the_audit_log(as_user, property_staff, estate_a):
    assert_refused(as_user(property_staff).get(url("audit")))


def test_audit_policy_scopes_an_official_to_estates_in_their_community(
    community_official, estate_a, estate_b
):
    # Officials have no admin access yet (no editor group); the policy is ready for them.
    from portal.community.admin.policies import audit_policy

    events = audit_policy.instances_user_has_any_permission_for(community_official, ["view"])
    assert events.filter(estate=estate_a).exists()
    assert not events.filter(estate=estate_b).exists()
    assert not events.filter(estate__isnull=True).exists()
