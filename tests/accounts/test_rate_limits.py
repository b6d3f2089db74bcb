"""Login rate limits as allauth really applies them, with our keys (portal.accounts.limits).

Nobody can lock an owner out (issue #12.5): failed passwords from one network make that
network wait; only a distributed attack pauses password login for the account, and then
the owner still signs in with an SMS code. Client addresses come from X-Forwarded-For only
as far as ALLAUTH_TRUSTED_PROXY_COUNT says.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.accounts.limits import client_network
from tests.accounts.conftest import last_sms_code
from tests.factories import UserFactory

PHONE = "+8613800138000"
ATTACKER = "203.0.113.7"
OWNER_AT_HOME = "198.51.100.20"
PROXY = "10.0.0.2"


def _login(client, login, password, *, ip=ATTACKER, forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def _signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


# --- one network's failures ------------------------------------------------------------------


def test_the_right_password_from_a_fresh_network_works_after_an_attackers_failures(client, db):
    owner = UserFactory(phone=PHONE)
    for _ in range(8):
        _login(client, "13800138000", "wrong-password")
    client.logout()
    response = _login(client, "138 0013 8000", "pass-1234", ip=OWNER_AT_HOME)
    assert response.status_code == 302
    assert _signed_in(client, owner)


def test_five_wrong_passwords_make_that_network_wait_even_with_the_right_password(client, db):
    UserFactory(phone=PHONE)
    for _ in range(5):
        response = _login(client, "13800138000", "wrong-password")
        assert "手机号或密码不正确" in response.content.decode()
    response = _login(client, "13800138000", "pass-1234")
    assert response.status_code == 200
    assert "从您所在的网络登录该账户失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_of_one_phone_do_not_lock_out_another(client, db):
    """allauth keys the counter by email/username; our adapter adds the phone."""
    UserFactory(phone=PHONE)
    other = UserFactory(phone="+8613900139000")
    for _ in range(5):
        _login(client, "13800138000", "wrong-password")
    response = _login(client, "13900139000", "pass-1234")
    assert response.status_code == 302
    assert _signed_in(client, other)


def test_flood_of_login_posts_from_one_ip_gets_429(client, db):
    # "login": 30 per minute per IP; allauth's view answers 429 Too Many Requests.
    statuses = [_login(client, f"user{n}@example.cn", "x").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# --- a distributed attack ---------------------------------------------------------------------


def _distributed_attack(client, login: str, *, networks: int = 4) -> None:
    for n in range(networks):
        for _ in range(5):
            _login(client, login, "wrong-password", ip=f"203.0.113.{10 + n}")


def test_a_distributed_attack_pauses_password_login_but_the_sms_code_still_signs_in(client, db):
    owner = UserFactory(phone=PHONE)
    _distributed_attack(client, "13800138000")

    response = _login(client, "13800138000", "pass-1234", ip=OWNER_AT_HOME)
    assert response.status_code == 200
    assert "暂停用密码登录。请用短信验证码登录" in response.content.decode()
    assert not _signed_in(client, owner)

    # Voting day is not lost: the code proves the phone.
    extra = {"REMOTE_ADDR": OWNER_AT_HOME}
    client.post(reverse("account_request_login_code"), {"phone": "13800138000"}, **extra)
    response = client.post(
        reverse("account_confirm_login_code"), {"code": last_sms_code(PHONE)}, **extra
    )
    assert response.status_code == 302
    assert _signed_in(client, owner)


def test_an_unregistered_number_is_paused_alike(client, db):
    """The pause says nothing about whether the account exists."""
    _distributed_attack(client, "13700137000")
    response = _login(client, "13700137000", "anything", ip=OWNER_AT_HOME)
    assert "暂停用密码登录" in response.content.decode()


def test_a_successful_login_does_not_reset_the_attackers_count(client, db):
    owner = UserFactory(phone=PHONE)
    for _ in range(4):
        _login(client, "13800138000", "wrong-password")
    assert _login(client, "13800138000", "pass-1234").status_code == 302
    client.logout()
    _login(client, "13800138000", "wrong-password")
    response = _login(client, "13800138000", "pass-1234")
    assert "失败次数过多" in response.content.decode()
    assert not _signed_in(client, owner)


# --- behind the TLS proxy -----------------------------------------------------------------------


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    owner = UserFactory(phone=PHONE)
    for _ in range(8):
        _login(client, "13800138000", "wrong-password", ip=PROXY, forwarded=ATTACKER)
    client.logout()
    response = _login(client, "13800138000", "pass-1234", ip=PROXY, forwarded=OWNER_AT_HOME)
    assert response.status_code == 302
    assert _signed_in(client, owner)


def test_behind_the_proxy_a_forged_forwarded_entry_does_not_give_a_fresh_network(
    client, db, settings
):
    # The proxy appends the address it saw; what the client sent stands to its left.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(phone=PHONE)
    for n in range(5):
        _login(client, "13800138000", "wrong", ip=PROXY, forwarded=f"192.0.2.{n}, {ATTACKER}")
    response = _login(
        client, "13800138000", "pass-1234", ip=PROXY, forwarded=f"192.0.2.99, {ATTACKER}"
    )
    assert "从您所在的网络登录该账户失败次数过多" in response.content.decode()


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    UserFactory(phone=PHONE)
    for n in range(5):
        _login(client, "13800138000", "wrong", ip=ATTACKER, forwarded=f"192.0.2.{n}")
    response = _login(client, "13800138000", "pass-1234", ip=ATTACKER, forwarded="192.0.2.99")
    assert "从您所在的网络登录该账户失败次数过多" in response.content.decode()


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1, 198.51.100.20", PROXY),
        (1, "192.0.2.1, 198.51.100.20", "198.51.100.20"),
        (2, "192.0.2.1, 198.51.100.20, 10.0.0.9", "198.51.100.20"),
        (1, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
    ],
)
def test_the_client_address_is_read_only_as_far_as_the_trusted_proxy_count(
    settings, count, forwarded, expected
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_network(request) == expected


def test_the_proxy_count_comes_from_the_environment():
    import subprocess
    import sys

    from django.conf import settings as project_settings

    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "ALLAUTH_TRUSTED_PROXY_COUNT": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "None"]
