"""Staff must have TOTP before the admin opens (portal.accounts.middleware.StaffMFAMiddleware)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from portal.accounts.mfa import requires_mfa


@pytest.fixture(autouse=True)
def _require_mfa(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = True


def test_committee_chair_without_totp_is_sent_to_set_it_up(client, committee_chair):
    client.force_login(committee_chair)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_totp_setup_page_itself_is_reachable_for_staff(client, committee_chair):
    client.force_login(committee_chair)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth may first ask to re-enter credentials; either way it is not our redirect loop.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("mfa_activate_totp"))


def test_after_activating_totp_the_admin_opens(client, committee_chair):
    TOTP.activate(committee_chair, generate_totp_secret())
    client.force_login(committee_chair)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "wagtail" in response.content.decode().lower()


@pytest.mark.parametrize(
    "who",
    [
        "committee_member",
        "property_manager",
        "property_staff",
        "moderator",
        "community_official",
        "subdistrict_official",
        "site_admin",
    ],
)
# Declared, because the cast is fetched by name: without the marker pytest-django would
# order this test after the transactional ones, whose flush leaves an empty database.
@pytest.mark.django_db
def test_every_staff_role_requires_mfa(request, who):
    assert requires_mfa(request.getfixturevalue(who))


def test_owner_and_tenant_do_not_require_mfa(owner, tenant):
    assert not requires_mfa(owner)
    assert not requires_mfa(tenant)


def test_owner_does_not_get_the_admin(client, owner):
    client.force_login(owner)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response["Location"].startswith("/admin/")


def test_admin_login_page_goes_through_allauth(client, committee_chair):
    """Wagtail's own login form would skip allauth's TOTP step, so it is never served."""
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302


def test_password_login_of_staff_with_totp_asks_for_the_code(client, committee_chair):
    TOTP.activate(committee_chair, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": committee_chair.email, "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session


def test_setting_off_lets_staff_in_without_totp(client, committee_chair, settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    client.force_login(committee_chair)
    assert client.get("/admin/").status_code == 200


def test_mfa_pages_and_logout_are_not_gated(client, committee_chair):
    client.force_login(committee_chair)
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
