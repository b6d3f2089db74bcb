"""Login rate limits (ACCOUNT_RATE_LIMITS), as allauth really applies them."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import UserFactory


def _login(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_repeated_failed_logins_for_one_phone_are_refused_even_with_right_password(client, db):
    # "login_failed": 5 per 5 minutes per login key; then allauth answers with a form error.
    UserFactory(phone="+8613800138000")
    for _ in range(5):
        response = _login(client, "13800138000", "wrong-password")
        assert "手机号或密码不正确" in response.content.decode()

    response = _login(client, "138 0013 8000", "pass-1234")
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_of_one_phone_do_not_lock_out_another(client, db):
    """allauth keys the counter by email/username; our adapter adds the phone."""
    UserFactory(phone="+8613800138000")
    other = UserFactory(phone="+8613900139000")
    for _ in range(5):
        _login(client, "13800138000", "wrong-password")
    response = _login(client, "13900139000", "pass-1234")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_flood_of_login_posts_from_one_ip_gets_429(client, db):
    # "login": 30 per minute per IP; allauth's view answers 429 Too Many Requests.
    statuses = [_login(client, f"user{n}@example.cn", "x").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
