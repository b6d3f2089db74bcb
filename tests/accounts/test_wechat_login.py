"""WeChat sign-in through allauth's real weixin flow, WeChat's servers answered by a local fake.

login → redirect to WeChat's consent page → callback with a code → code exchanged for a
token → user info → a Gongzhi account that is NOT an owner until its mobile number is
verified against the register.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.community import permissions
from tests import fake_wechat
from tests.accounts.conftest import last_sms_code
from tests.factories import OwnerIdentityFactory, OwnershipFactory, WeChatAccountFactory

User = get_user_model()
PHONE = "+8613800138000"
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)
AUNT_ZHANG = fake_wechat.WeChatUser(openid="oZhangAyi000001", nickname="张阿姨")


@pytest.fixture
def wechat(monkeypatch, db):
    """The official account set up in the admin, and WeChat's servers faked."""
    SocialApp.objects.create(
        provider="weixin",
        name="锦绣街道公众号",
        client_id=fake_wechat.APP_ID,
        secret=fake_wechat.APP_SECRET,
    )
    return fake_wechat.install(monkeypatch)


def sign_in_with_wechat(client, fake, person, *, process="login", next_url=None):
    """Walk allauth's weixin flow as the browser would; return the callback's response."""
    query = {"process": process, **({"next": next_url} if next_url else {})}
    response = client.post(reverse("weixin_login"), query)
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        "https://open.weixin.qq.com/connect/oauth2/authorize"
    )
    params = {key: values[0] for key, values in parse_qs(authorize.query).items()}
    assert params["appid"] == fake_wechat.APP_ID
    assert params["scope"] == "snsapi_userinfo"
    # The person agrees on WeChat's page; WeChat sends the browser back with a code.
    callback = urlsplit(params["redirect_uri"])
    assert callback.path == reverse("weixin_callback")
    return client.get(callback.path, {"code": fake.authorize(person), "state": params["state"]})


def register_owner(world, mobile=PHONE, name="张秀英"):
    identity = OwnerIdentityFactory(estate=world.estate, name=name, mobile=mobile)
    OwnershipFactory(unit=world.building1_unit, identity=identity)
    return identity


def test_a_new_wechat_user_is_signed_in_but_not_an_owner(client, wechat, world_a):
    register_owner(world_a)

    response = sign_in_with_wechat(client, wechat, AUNT_ZHANG)
    assert response["Location"] == reverse("socialaccount_signup")
    form = client.get(reverse("socialaccount_signup"))
    assert 'value="张阿姨"' in form.content.decode()  # the nickname, as a suggestion

    response = client.post(
        reverse("socialaccount_signup"), {"display_name": "张秀英", "privacy_consent": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_phone")
    account = SocialAccount.objects.get(provider="weixin", uid="oZhangAyi000001")
    user = account.user
    assert user.display_name == "张秀英"
    assert user.privacy_consent_at is not None
    assert user.phone is None
    assert not permissions.is_verified_owner(user, world_a.estate)
    assert [path for _method, path in wechat.calls] == ["/sns/oauth2/access_token", "/sns/userinfo"]
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert 'data-testid="verify-phone-prompt"' in profile.content.decode()


def test_the_wechat_user_becomes_an_owner_by_verifying_the_registered_mobile(
    client, wechat, world_a
):
    identity = register_owner(world_a)
    sign_in_with_wechat(client, wechat, AUNT_ZHANG)
    client.post(
        reverse("socialaccount_signup"), {"display_name": "张秀英", "privacy_consent": "on"}
    )

    response = client.post(reverse("account_change_phone"), {"phone": "138 0013 8000"})
    assert response["Location"] == reverse("account_verify_phone")
    client.post(reverse("account_verify_phone"), {"code": last_sms_code(PHONE)})

    user = SocialAccount.objects.get(uid="oZhangAyi000001").user
    assert (user.phone, user.phone_verified) == (PHONE, True)
    identity.refresh_from_db()
    assert identity.user == user
    assert permissions.is_verified_owner(user, world_a.estate)


def test_a_mobile_not_in_the_register_gives_no_owner_rights(client, wechat, world_a):
    sign_in_with_wechat(client, wechat, AUNT_ZHANG)
    client.post(
        reverse("socialaccount_signup"), {"display_name": "张秀英", "privacy_consent": "on"}
    )
    client.post(reverse("account_change_phone"), {"phone": "13900000000"})
    response = client.post(
        reverse("account_verify_phone"), {"code": last_sms_code("+8613900000000")}, follow=True
    )

    user = SocialAccount.objects.get(uid="oZhangAyi000001").user
    assert user.phone_verified
    assert not permissions.is_verified_owner(user, world_a.estate)
    assert "业主名册中没有这个手机号" in response.content.decode()


def test_signing_up_with_wechat_without_consent_creates_no_account(client, wechat, db):
    sign_in_with_wechat(client, wechat, AUNT_ZHANG)

    response = client.post(reverse("socialaccount_signup"), {"display_name": "张秀英"})

    assert response.status_code == 200
    assert "注册前请阅读并同意个人信息保护说明" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()


def test_a_returning_wechat_user_signs_in_without_a_form(client, wechat, world_a):
    sign_in_with_wechat(client, wechat, AUNT_ZHANG)
    client.post(
        reverse("socialaccount_signup"), {"display_name": "张秀英", "privacy_consent": "on"}
    )
    client.post(reverse("account_logout"))

    response = sign_in_with_wechat(client, wechat, AUNT_ZHANG, next_url="/me/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    assert User.objects.count() == 1


def test_an_existing_account_binds_wechat_from_me(client, wechat, owner):
    client.force_login(owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "绑定微信" in page

    response = sign_in_with_wechat(client, wechat, AUNT_ZHANG, process="connect")

    assert response["Location"] == reverse("accounts:profile")
    assert SocialAccount.objects.get(provider="weixin").user == owner
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "已绑定" in page


def test_a_code_wechat_refuses_signs_nobody_in(client, wechat, db):
    response = client.post(reverse("weixin_login"), {"process": "login"})
    params = parse_qs(urlsplit(response["Location"]).query)

    response = client.get(
        reverse("weixin_callback"), {"code": "forged", "state": params["state"][0]}
    )

    assert response.status_code == 401  # allauth's "sign-in failed" page
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_callback_with_a_foreign_state_signs_nobody_in(client, wechat, db):
    client.post(reverse("weixin_login"), {"process": "login"})

    client.get(
        reverse("weixin_callback"), {"code": wechat.authorize(AUNT_ZHANG), "state": "forged"}
    )

    assert not User.objects.exists()
    assert wechat.calls == []


def test_inside_wechat_the_login_page_offers_wechat_first(client, wechat, db):
    page = client.get(reverse("account_login"), HTTP_USER_AGENT=WECHAT_UA).content.decode()

    assert 'data-testid="wechat-first"' in page
    assert page.index('data-testid="wechat-login"') < page.index("短信验证码登录")


def test_outside_wechat_the_login_page_offers_wechat_after_sms(client, wechat, db):
    page = client.get(reverse("account_login")).content.decode()

    assert 'data-testid="wechat-first"' not in page
    assert page.index("短信验证码登录") < page.index('data-testid="wechat-login"')


def test_without_an_official_account_set_up_no_wechat_button_shows(client, db):
    page = client.get(reverse("account_login"), HTTP_USER_AGENT=WECHAT_UA).content.decode()

    assert 'data-testid="wechat-login"' not in page


def test_the_data_download_includes_the_wechat_binding(client, owner):
    WeChatAccountFactory(user=owner, uid="oWangFang0001", extra_data={"nickname": "芳"})
    client.force_login(owner)

    data = client.get(reverse("accounts:data")).json()

    assert data["wechat"]["openid"] == "oWangFang0001"
    assert data["wechat"]["nickname"] == "芳"


def test_closing_the_account_removes_the_wechat_binding(owner):
    from portal.accounts.actions import close_account

    WeChatAccountFactory(user=owner, uid="oWangFang0001")

    close_account(owner, actor=owner)

    assert not SocialAccount.objects.filter(uid="oWangFang0001").exists()


def test_the_login_page_lets_its_wechat_form_lead_to_wechat_and_nowhere_else(client, wechat, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]

    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", "https://open.weixin.qq.com"]


def test_pages_without_the_wechat_button_keep_forms_on_the_site(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]

    assert "open.weixin.qq.com" not in policy
