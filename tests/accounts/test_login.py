"""Sign-up and sign-in through the real allauth views, with codes read from the SMS outbox."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.accounts.sms import LocmemSMSBackend
from portal.community import permissions
from portal.community.choices import RoleKind
from portal.community.models import OwnerIdentity, Role
from tests.accounts.conftest import last_sms_code
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UserFactory

User = get_user_model()
PHONE = "+8613800138000"


def _register_owner(world, *, mobile=PHONE, name="王小芳"):
    identity = OwnerIdentityFactory(estate=world.estate, name=name, mobile=mobile)
    OwnershipFactory(unit=world.building1_unit, identity=identity)
    return identity


def _signup(client, phone_typed="138 0013 8000", name="王小芳"):
    return client.post(
        reverse("account_signup"),
        {"phone": phone_typed, "display_name": name, "privacy_consent": "on"},
    )


def test_signup_by_phone_verifies_by_sms_and_links_the_register_owner(client, world_a):
    identity = _register_owner(world_a)

    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone=PHONE)
    assert user.display_name == "王小芳"
    assert user.privacy_consent_at is not None
    assert not user.phone_verified

    response = client.post(reverse("account_verify_phone"), {"code": last_sms_code(PHONE)})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.phone_verified
    identity.refresh_from_db()
    assert identity.user == user
    assert permissions.is_verified_owner(user, world_a.estate)
    # The session is signed in: /me/ shows the member's page, not the login form.
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert "锦绣花园" in profile.content.decode()


def test_signup_without_consent_is_refused_and_creates_nothing(client, db):
    response = client.post(
        reverse("account_signup"), {"phone": "13800138000", "display_name": "王小芳"}
    )
    assert response.status_code == 200
    assert "请阅读并同意个人信息保护说明" in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()


def test_signup_with_invalid_number_gets_chinese_error(client, db):
    response = _signup(client, phone_typed="12345")
    assert response.status_code == 200
    assert "请输入有效的手机号码" in response.content.decode()
    assert not User.objects.exists()


def test_wrong_verification_code_does_not_verify(client, world_a):
    _register_owner(world_a)
    _signup(client)
    code = last_sms_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("account_verify_phone"), {"code": wrong})
    assert response.status_code == 200
    assert not User.objects.get(phone=PHONE).phone_verified
    assert not OwnerIdentity.objects.filter(user__isnull=False).exists()


def test_login_by_sms_code_with_number_typed_loosely(client, db):
    user = UserFactory(phone=PHONE, display_name="李强")

    response = client.post(reverse("account_request_login_code"), {"phone": "+86 138-0013-8000"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    # The code page names the number masked, as Chinese apps do (shoulder-surfing).
    page = client.get(response["Location"]).content.decode()
    assert "验证码已发送到 138****8000" in page and PHONE not in page

    response = client.post(reverse("account_confirm_login_code"), {"code": last_sms_code(PHONE)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_code_links_owner_whose_phone_was_verified_before_register_import(client, world_a):
    """The register learns the mobile after the account exists: the next code login links it."""
    user = UserFactory(phone=PHONE, phone_verified=True, display_name="王小芳")
    identity = _register_owner(world_a)
    assert not permissions.is_verified_owner(user, world_a.estate)

    client.post(reverse("account_request_login_code"), {"phone": "13800138000"})
    client.post(reverse("account_confirm_login_code"), {"code": last_sms_code(PHONE)})

    identity.refresh_from_db()
    assert identity.user_id == user.pk
    user = User.objects.get(pk=user.pk)
    assert permissions.is_verified_owner(user, world_a.estate)
    assert Role.objects.active().filter(user=user, kind=RoleKind.OWNER).count() == 1


def test_password_login_links_register_owner_by_verified_phone(client, world_a):
    user = UserFactory(phone=PHONE, phone_verified=True)
    identity = _register_owner(world_a)
    response = client.post(
        reverse("account_login"), {"login": "138 0013 8000", "password": "pass-1234"}
    )
    assert response.status_code == 302
    identity.refresh_from_db()
    assert identity.user_id == user.pk


def test_unverified_phone_is_never_linked(client, world_a):
    user = UserFactory(phone=PHONE, phone_verified=False, email="wf@example.cn")
    identity = _register_owner(world_a)
    client.post(reverse("account_login"), {"login": "wf@example.cn", "password": "pass-1234"})
    identity.refresh_from_db()
    assert identity.user is None
    assert not permissions.is_verified_owner(user, world_a.estate)


def test_email_and_password_login(client, db):
    user = UserFactory(email="lq@example.cn")
    response = client.post(
        reverse("account_login"), {"login": "lq@example.cn", "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gets_chinese_error(client, db):
    UserFactory(phone=PHONE)
    response = client.post(reverse("account_login"), {"login": "13800138000", "password": "wrong"})
    assert response.status_code == 200
    assert "手机号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_pages_render_in_chinese(client, db):
    for name in ("account_login", "account_request_login_code", "account_signup"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="auth-box"' in html
        assert "手机号" in html
        assert "<label" in html


def test_a_member_of_one_estate_lands_on_its_home_after_login(client, owner):
    client.post(reverse("account_request_login_code"), {"phone": owner.phone})
    response = client.post(
        reverse("account_confirm_login_code"), {"code": last_sms_code(owner.phone)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/jinxiu/"


def test_someone_with_no_estate_lands_on_the_district_home(client, db):
    user = UserFactory(phone=PHONE, display_name="李强")
    client.post(reverse("account_request_login_code"), {"phone": user.phone})
    response = client.post(reverse("account_confirm_login_code"), {"code": last_sms_code(PHONE)})
    assert response["Location"] == "/"


def test_asking_for_a_code_with_neither_phone_nor_email_is_told_what_to_fill(client, db):
    response = client.post(reverse("account_request_login_code"), {"phone": "", "email": ""})
    assert response.status_code == 200
    assert "请填写手机号或电子邮箱。" in response.content.decode()
    assert not LocmemSMSBackend.outbox
