"""长辈模式 (elder mode): one switch, remembered per device (a cookie) and per person (saved).

- An anonymous visitor's switch sets only the device's cookie.
- A signed-in person's switch saves their choice and sets the cookie; their saved choice wins
  over the device's, and is copied to a new device's cookie when they sign in there.
- The switch returns to the page it was on, never to another site.
- The anonymous page cache keeps a copy per mode.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts import elder
from portal.home.models import StandardPage
from tests.factories import UserFactory

SWITCH = reverse("accounts:elder_mode")


def _switch(client: Client, on: str, next_path: str = "/", **extra):
    return client.post(SWITCH, {"on": on, "next": next_path}, **extra)


def _html_tag(response) -> str:
    text = response.content.decode()
    return text[text.index("<html") : text.index(">", text.index("<html")) + 1]


def _elder_cookie(response):
    return response.cookies.get(elder.COOKIE_NAME)


# --- anonymous visitors: the device remembers -------------------------------------------------


def test_an_anonymous_visitor_turns_elder_mode_on_for_this_device_only(client, estate_a):
    response = _switch(client, "1", "/knowledge/")
    assert response.status_code == 302 and response["Location"] == "/knowledge/"
    cookie = _elder_cookie(response)
    assert cookie.value == "1"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert 'class="elder"' in _html_tag(client.get("/"))
    # Nothing was saved anywhere but the cookie: no session, no account.
    assert "sessionid" not in client.cookies


def test_an_anonymous_visitor_turns_it_off_again(client, db):
    client.cookies[elder.COOKIE_NAME] = "1"
    response = _switch(client, "0")
    assert _elder_cookie(response).value == "0"
    assert "elder" not in _html_tag(client.get("/"))


def test_the_standard_page_has_no_elder_class_and_no_elder_stylesheet(client, db):
    page = client.get("/").content.decode()
    assert 'class="elder"' not in page and "css/elder.css" not in page
    assert "长辈模式" in page  # the switch itself is in every page's header


def test_the_elder_page_offers_the_way_back_to_the_standard_mode(client, db):
    client.cookies[elder.COOKIE_NAME] = "1"
    page = client.get("/").content.decode()
    assert "css/elder.css" in page and "标准模式" in page


def test_a_cross_site_post_of_an_anonymous_visitor_is_refused(client, db):
    response = _switch(client, "1", HTTP_ORIGIN="https://evil.example.com")
    assert response.status_code == 403
    assert _elder_cookie(response) is None


def test_the_switch_is_a_post_only(client, db):
    response = client.get(SWITCH, {"on": "1"})
    assert response.status_code == 405
    assert _elder_cookie(response) is None


@pytest.mark.parametrize("on", ["2", "", "yes"])
def test_a_bad_choice_is_refused_in_chinese_and_changes_nothing(client, db, on):
    response = _switch(client, on, "/knowledge/")
    assert response.status_code == 302 and response["Location"] == "/knowledge/"
    assert _elder_cookie(response) is None
    page = client.get("/knowledge/").content.decode()
    assert "请选择长辈模式或标准模式。" in page


# --- where the switch returns to ----------------------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://evil.example.com/phish",
        "//evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "2026-02-30",  # a bare word: redirect() would have tried it as a view name (a 500)
        "-1",
    ],
)
def test_an_unsafe_next_is_refused_and_the_switch_returns_home(client, db, unsafe):
    response = _switch(client, "1", unsafe)
    assert response["Location"] == "/"
    assert _elder_cookie(response).value == "1"


def test_the_switch_returns_to_the_page_with_its_query(client, db):
    response = _switch(client, "1", "/search/?q=%E7%94%B5%E6%A2%AF")
    assert response["Location"] == "/search/?q=%E7%94%B5%E6%A2%AF"


# --- signed-in people: their choice follows them ----------------------------------------------


def test_a_signed_in_owner_switching_saves_the_choice_and_sets_the_cookie(client, owner):
    client.force_login(owner)
    response = _switch(client, "1", "/me/")
    owner.refresh_from_db()
    assert owner.elder_mode is True
    assert _elder_cookie(response).value == "1"
    assert 'class="elder"' in _html_tag(client.get("/me/"))


def test_a_signed_in_switch_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = _switch(client, "1")
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.elder_mode is None


def test_the_saved_choice_wins_over_the_devices_cookie(client, owner):
    owner.elder_mode = False
    owner.save(update_fields=["elder_mode"])
    client.cookies[elder.COOKIE_NAME] = "1"
    client.force_login(owner)
    assert "elder" not in _html_tag(client.get("/me/"))


def test_without_a_saved_choice_the_devices_cookie_decides(client, owner):
    client.cookies[elder.COOKIE_NAME] = "1"
    client.force_login(owner)
    assert 'class="elder"' in _html_tag(client.get("/me/"))


def test_a_saved_choice_is_restored_on_a_new_device_at_login(db):
    user = UserFactory(email="wangjg@example.cn", display_name="王建国", elder_mode=True)
    new_phone = Client()
    assert "elder" not in _html_tag(new_phone.get("/"))

    response = new_phone.post(
        reverse("account_login"), {"login": "wangjg@example.cn", "password": "pass-1234"}
    )

    assert response.status_code == 302
    assert new_phone.session["_auth_user_id"] == str(user.pk)
    assert _elder_cookie(response).value == "1"
    # Signed out again, the device still remembers.
    new_phone.post(reverse("account_logout"))
    assert 'class="elder"' in _html_tag(new_phone.get("/"))


def test_signing_in_without_a_saved_choice_leaves_the_devices_cookie_alone(db):
    UserFactory(email="lixy@example.cn")
    device = Client()
    device.cookies[elder.COOKIE_NAME] = "1"
    response = device.post(
        reverse("account_login"), {"login": "lixy@example.cn", "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert _elder_cookie(response) is None
    assert 'class="elder"' in _html_tag(device.get("/me/"))


def test_the_switch_on_me_page_is_there(client, owner):
    client.force_login(owner)
    page = client.get("/me/").content.decode()
    assert 'data-testid="elder-settings"' in page


def test_the_personal_data_export_includes_the_choice(client, owner):
    owner.elder_mode = True
    owner.save(update_fields=["elder_mode"])
    client.force_login(owner)
    data = client.get(reverse("accounts:data")).json()
    assert data["profile"]["elder_mode"] is True


# --- the anonymous page cache keeps one copy per mode -----------------------------------------


def _public_page(estate):
    page = StandardPage(title="小区简介", slug="about", body=[("paragraph", "<p>锦绣花园简介</p>")])
    estate.page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_page_cache_serves_neither_mode_the_other_modes_copy(estate_a):
    page = _public_page(estate_a)
    standard, elderly = Client(), Client()
    elderly.cookies[elder.COOKIE_NAME] = "1"

    standard.get(page.url)
    cached_standard = standard.get(page.url)
    assert cached_standard["X-Page-Cache"] == "hit"
    first_elder = elderly.get(page.url)
    assert "X-Page-Cache" not in first_elder
    assert 'class="elder"' in _html_tag(first_elder)
    cached_elder = elderly.get(page.url)
    assert cached_elder["X-Page-Cache"] == "hit"
    assert 'class="elder"' in _html_tag(cached_elder)
    assert "elder" not in _html_tag(standard.get(page.url))


def test_the_cache_key_names_the_mode(rf, db):
    from django.contrib.auth.models import AnonymousUser

    from portal.home import page_cache

    request = rf.get("/jinxiu/about/")
    request.user = AnonymousUser()
    standard_key = page_cache._key(request)
    request.COOKIES[elder.COOKIE_NAME] = "1"
    elder_key = page_cache._key(request)
    assert standard_key != elder_key
    assert ":elder:" in elder_key and ":standard:" in standard_key
