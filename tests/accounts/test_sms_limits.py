"""Daily caps on text messages with codes, per phone and per network (issue #12.5).

Without them one phone could be sent a code every 20 seconds all day (4,320 messages) and
each code guessed at: now at most GONGZHI_SMS_PER_PHONE_PER_DAY messages reach a phone
and GONGZHI_SMS_PER_IP_PER_DAY leave for one network, each refusal said plainly in Chinese.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.accounts.sms import LocmemSMSBackend
from tests.accounts.conftest import last_sms_code
from tests.factories import UserFactory

PHONE = "+8613800138000"
PHONE_CAP_MESSAGE = "该手机号今天接收的验证码已达上限，请明天再试"
NETWORK_CAP_MESSAGE = "您所在的网络今天获取验证码的次数已达上限"


def _sent_to(phone: str) -> int:
    return sum(1 for message in LocmemSMSBackend.outbox if message.to == phone)


def _request_code(client, phone: str = "13800138000", *, ip: str = "198.51.100.20"):
    """Ask for a code as a new visitor would (a session with a code pending is sent to it)."""
    client.cookies.clear()
    return client.post(reverse("account_request_login_code"), {"phone": phone}, REMOTE_ADDR=ip)


def test_the_default_caps_are_ten_a_phone_and_a_hundred_a_network_a_day():
    assert settings.ACCOUNT_RATE_LIMITS["sms_phone"] == "10/d/key"
    assert settings.ACCOUNT_RATE_LIMITS["sms_ip"] == "100/d/ip"
    assert settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS == 3


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "unregistered"])
def test_a_phone_is_sent_at_most_ten_codes_a_day(client, db, registered):
    # An unregistered number is told by text that it has no account; those count alike, so
    # the cap says nothing about who is registered.
    if registered:
        UserFactory(phone=PHONE)
    start = timezone.now()
    for n in range(10):
        # allauth also allows one code a minute per phone; the attacker waits it out.
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            response = _request_code(client, ip=f"198.51.100.{n}")
            assert response.status_code == 302, response.content.decode()[:500]
    assert _sent_to(PHONE) == 10

    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        response = _request_code(client, ip="198.51.100.77")
    assert response.status_code == 200
    assert PHONE_CAP_MESSAGE in response.content.decode()
    assert _sent_to(PHONE) == 10

    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        assert _request_code(client, ip="198.51.100.78").status_code == 302
    assert _sent_to(PHONE) == 11


def test_a_network_gets_at_most_its_daily_codes(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sms_ip": "3/d/ip"}
    phones = [f"+86138001380{n:02d}" for n in range(4)]
    for phone in phones[:3]:
        UserFactory(phone=phone)
        assert _request_code(client, phone, ip="203.0.113.7").status_code == 302
    response = _request_code(client, phones[3], ip="203.0.113.7")
    assert response.status_code == 200
    assert NETWORK_CAP_MESSAGE in response.content.decode()
    assert _sent_to(phones[3]) == 0
    # Another network is not affected.
    assert _request_code(client, phones[3], ip="198.51.100.20").status_code == 302
    assert _sent_to(phones[3]) == 1


def test_a_refusal_by_the_network_cap_spends_nothing_of_the_phones(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sms_ip": "1/d/ip"}
    UserFactory(phone=PHONE)
    _request_code(client, "13900139000", ip="203.0.113.7")
    start = timezone.now()
    for n in range(12):
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            _request_code(client, ip="203.0.113.7")
    assert _sent_to(PHONE) == 0
    assert _request_code(client, ip="198.51.100.20").status_code == 302
    assert _sent_to(PHONE) == 1


def test_signup_verification_codes_count_against_the_phone(client, db):
    start = timezone.now()
    for n in range(10):
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            _request_code(client, ip=f"198.51.100.{n}")
    client.cookies.clear()
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        response = client.post(
            reverse("account_signup"),
            {"phone": "13800138000", "display_name": "王小芳", "privacy_consent": "on"},
            REMOTE_ADDR="198.51.100.99",
            follow=True,
        )
    html = response.content.decode()
    assert PHONE_CAP_MESSAGE in html
    assert "验证码已发送" not in html
    assert _sent_to(PHONE) == 10


def test_a_code_allows_three_guesses_then_a_new_code_is_needed(client, db):
    owner = UserFactory(phone=PHONE)
    _request_code(client)
    code = last_sms_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert client.session.get("_auth_user_id") != str(owner.pk)
    assert response.status_code in (200, 302)
