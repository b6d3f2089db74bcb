"""Sign-up never tells whether a mobile number or an email address is registered (#12.5).

Whatever is typed, the page that follows is the same: "enter the code we texted". Only the
owner of the number or address learns, by text or mail, that someone tried.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from portal.accounts.sms import LocmemSMSBackend
from tests.factories import UserFactory

User = get_user_model()
TELLTALES = ("已注册", "已被注册", "已被使用", "already", "已存在")


def _signup(client, phone: str, email: str = ""):
    client.cookies.clear()
    data = {"phone": phone, "display_name": "王小芳", "privacy_consent": "on"}
    if email:
        data["email"] = email
    return client.post(reverse("account_signup"), data)


def _page_after(client, response) -> str:
    """Return what the person sees next, without the per-request tokens and numbers."""
    assert response.status_code == 302, response.content.decode()[:1000]
    html = client.get(response["Location"]).content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"1\d\d\*{4}\d{4}", "<masked phone>", html)


def _assert_no_telltale(html: str) -> None:
    for word in TELLTALES:
        assert word not in html, word


def test_a_registered_email_reads_like_a_new_one(client, db):
    UserFactory(email="wangfang@example.cn", phone="+8613900139001")

    fresh = _page_after(client, _signup(client, "13800138001", "new-owner@example.cn"))
    taken = _page_after(client, _signup(client, "13800138002", "wangfang@example.cn"))

    assert taken == fresh
    _assert_no_telltale(taken)
    # The new account is made, without the address; its owner hears of the attempt by mail.
    newcomer = User.objects.get(phone="+8613800138002")
    assert newcomer.email is None
    assert [message.to for message in mail.outbox if "wangfang@example.cn" in message.to]


def test_a_registered_email_is_not_named_even_in_upper_case(client, db):
    UserFactory(email="wangfang@example.cn", phone="+8613900139001")
    response = _signup(client, "13800138003", "WangFang@Example.cn")
    assert response.status_code == 302
    _assert_no_telltale(_page_after(client, response))


def test_a_registered_phone_reads_like_a_new_one(client, db):
    UserFactory(phone="+8613900139001")

    fresh = _page_after(client, _signup(client, "13800138004"))
    taken = _page_after(client, _signup(client, "13900139001"))

    assert taken == fresh
    _assert_no_telltale(taken)
    assert User.objects.filter(phone="+8613900139001").count() == 1
    # The number's owner is told by text, not the person at the keyboard.
    [note] = [m for m in LocmemSMSBackend.outbox if m.to == "+8613900139001"]
    assert "已注册" in note.text
