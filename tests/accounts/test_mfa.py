"""TOTP for staff work, never for owner business (portal.accounts.mfa; issue #13.7).

Signing in never asks for the authenticator code. Until a session enters one, the staff
roles count for nothing: the chair votes and reads as the owner they are, and every staff
area sends them to the step-up first (or to set up an app, if they have none).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from django.utils import timezone

from portal.accounts.mfa import requires_mfa
from portal.community import actions as community_actions
from portal.community import permissions
from tests.accounts.conftest import last_sms_code
from tests.factories import OwnerIdentityFactory, OwnershipFactory

STEP_UP = reverse("accounts:staff_verify")


@pytest.fixture(autouse=True)
def _require_mfa(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = True


def current_code(secret: str) -> str:
    """Return what the authenticator app shows right now."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def chair_secret(committee_chair) -> str:
    secret = generate_totp_secret()
    TOTP.activate(committee_chair, secret)
    return secret


@pytest.fixture
def chair_who_owns(world_a, committee_chair):
    """陈建国 chairs the committee and owns 1栋101: he votes like any owner."""
    identity = OwnerIdentityFactory(
        estate=world_a.estate, name=committee_chair.display_name, mobile=committee_chair.phone
    )
    OwnershipFactory(unit=world_a.building1_unit, identity=identity)
    community_actions.link_identity(identity, committee_chair, how="test")
    permissions.forget_roles(committee_chair)
    return committee_chair


def step_up(client, secret: str, next_path: str = "/admin/"):
    return client.post(STEP_UP, {"code": current_code(secret), "next": next_path})


# --- who --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "committee_chair",
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


# --- signing in: never the code ---------------------------------------------------------------


def test_a_chairs_sms_login_asks_no_code_and_he_may_vote(client, chair_who_owns, chair_secret):
    client.post(reverse("account_request_login_code"), {"phone": chair_who_owns.phone})
    response = client.post(
        reverse("account_confirm_login_code"), {"code": last_sms_code(chair_who_owns.phone)}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.session["_auth_user_id"] == str(chair_who_owns.pk)
    # As the owner he is, this session may vote; as chair, not yet.
    request = client.get("/").wsgi_request
    assert permissions.may(request.user, "vote", chair_who_owns.roles.first().estate)
    assert not permissions.may(request.user, "moderate", chair_who_owns.roles.first().estate)


def test_a_staff_password_login_asks_no_code(client, committee_chair, chair_secret):
    response = client.post(
        reverse("account_login"), {"login": committee_chair.email, "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.session["_auth_user_id"] == str(committee_chair.pk)


# --- staff areas: the step-up ------------------------------------------------------------------


def test_the_admin_asks_for_the_code_and_opens_after_it(client, committee_chair, chair_secret):
    client.force_login(committee_chair)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{STEP_UP}?next=%2Fadmin%2Fpages%2F"

    page = client.get(response["Location"]).content.decode()
    assert "腾讯身份验证器" in page and "Microsoft Authenticator" in page

    response = step_up(client, chair_secret, "/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_staff_page_outside_the_admin_asks_for_the_code_too(
    client, estate_a, committee_chair, chair_secret
):
    client.force_login(committee_chair)
    moderation = reverse("deliberation:moderation_queue", args=[estate_a.slug])
    response = client.get(moderation)
    assert response.status_code == 302
    assert response["Location"].startswith(STEP_UP)
    step_up(client, chair_secret, moderation)
    assert client.get(moderation).status_code == 200


def test_the_dashboard_waits_for_the_code(client, community_official):
    secret = generate_totp_secret()
    TOTP.activate(community_official, secret)
    client.force_login(community_official)
    assert client.get(reverse("dashboard:index")).status_code == 302
    step_up(client, secret, reverse("dashboard:index"))
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_a_wrong_code_is_refused_in_plain_chinese(client, committee_chair, chair_secret):
    client.force_login(committee_chair)
    right = current_code(chair_secret)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(STEP_UP, {"code": wrong, "next": "/admin/"})
    assert response.status_code == 200
    assert "数字不对" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_steps_up_once(client, committee_chair, chair_secret):
    codes = RecoveryCodes.activate(committee_chair).get_unused_codes()
    client.force_login(committee_chair)
    assert client.post(STEP_UP, {"code": codes[0], "next": "/admin/"}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.force_login(committee_chair)
    response = client.post(STEP_UP, {"code": codes[0], "next": "/admin/"})
    assert response.status_code == 200


def test_the_step_up_lasts_twelve_hours(client, committee_chair, chair_secret):
    client.force_login(committee_chair)
    step_up(client, chair_secret)
    with time_machine.travel(timezone.now() + timedelta(hours=11, minutes=50)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1)):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(STEP_UP)


def test_an_open_redirect_is_not_followed(client, committee_chair, chair_secret):
    client.force_login(committee_chair)
    response = step_up(client, chair_secret, "https://evil.example.com/")
    assert response["Location"] == "/admin/"


def test_owner_business_never_visits_the_step_up(client, owner):
    client.force_login(owner)
    response = client.get(STEP_UP + "?next=/jinxiu/")
    assert response.status_code == 302
    assert response["Location"] == "/jinxiu/"


# --- setting up the app ---------------------------------------------------------------------


def test_staff_without_an_app_are_sent_to_set_it_up(client, committee_chair):
    client.force_login(committee_chair)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def sign_in_with_password(client, user) -> None:
    """Sign in, and confirm it is still them: allauth asks that before adding an app."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": "pass-1234"})
    assert response.status_code == 302


def test_the_set_up_page_names_the_apps_in_chinese(client, committee_chair):
    sign_in_with_password(client, committee_chair)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    for words in ("腾讯身份验证器", "Microsoft Authenticator", "Google Authenticator", "第三步"):
        assert words in html
    assert committee_chair.username not in html


def test_set_up_ends_with_a_way_on_to_the_admin(client, committee_chair):
    sign_in_with_password(client, committee_chair)
    client.get("/admin/pages/")  # where the chair was going
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")

    codes_page = client.get(response["Location"]).content.decode()
    assert "我已保存，进入管理后台" in codes_page
    assert Authenticator.objects.filter(user=committee_chair, type="totp").exists()
    # Having just typed the app's number, the chair is not asked again on the way in.
    response = client.get(STEP_UP)
    assert response["Location"] == "/admin/pages/"
    response = client.get("/admin/pages/", follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.path.startswith("/admin/pages/")


def test_the_app_lists_the_account_by_name_not_username(committee_chair):
    from allauth.mfa.adapter import get_adapter

    url = get_adapter().build_totp_url(committee_chair, generate_totp_secret())
    assert committee_chair.username not in url
    assert "%E9%99%88%E5%BB%BA%E5%9B%BD" in url  # 陈建国


# --- the admin as staff see it ----------------------------------------------------------------


def test_the_admin_shows_the_chairs_name_and_no_gravatar(client, committee_chair, chair_secret):
    client.force_login(committee_chair)
    step_up(client, chair_secret)
    html = client.get("/admin/").content.decode()
    assert "陈建国" in html
    assert committee_chair.username not in html
    assert "gravatar.com" not in html


def test_admin_login_page_goes_through_allauth(client, committee_chair):
    """Wagtail's own login form would skip allauth, so it is never served."""
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302


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


def test_the_header_offers_the_admin_to_staff_alone(client, owner, committee_chair):
    client.force_login(owner)
    assert 'data-testid="admin-link"' not in client.get("/").content.decode()
    client.force_login(committee_chair)
    assert 'data-testid="admin-link"' in client.get("/").content.decode()


def test_a_refused_post_is_refused_not_redirected(client, estate_a, committee_chair, chair_secret):
    # A form sent without the step-up is not silently carried over to the step-up page.
    client.force_login(committee_chair)
    url = reverse("deliberation:moderation_queue", args=[estate_a.slug])
    response = client.post(url, {"action": "hide", "posts": []})
    assert response.status_code == 403
