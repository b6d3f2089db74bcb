"""PIPL: masking for others, a copy of one's own data, and closing the account."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.accounts.actions import close_account
from portal.community import actions, permissions
from portal.community.choices import ClaimStatus
from portal.community.masking import mask_name, mask_phone
from portal.community.models import AuditEvent, MembershipClaim, OwnerIdentity, Role
from tests.accounts.conftest import last_sms_code
from tests.factories import UserFactory

User = get_user_model()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王芳", "王*"), ("王小芳", "王*芳"), ("欧阳小芳", "欧**芳"), ("王", "王"), ("", "")],
)
def test_names_are_masked_for_others(name, masked):
    assert mask_name(name) == masked


def test_phone_is_masked_for_others():
    assert mask_phone("+8613800138000") == "138****8000"


def test_user_masked_name_and_phone(db):
    user = UserFactory(display_name="王小芳", phone="+8613800138000")
    assert (user.masked_name, user.masked_phone) == ("王*芳", "138****8000")


# --- data download -----------------------------------------------------------------------


def test_people_see_their_own_name_in_full_and_everyone_elses_masked(
    client, estate_a, owner, owner_building1
):
    from deliberation import actions as deliberation

    thread = deliberation.start_thread(
        estate_a, owner, kind="topic", title="电梯广告收益怎么用", body="<p>建议公示。</p>"
    )
    url = reverse("deliberation:thread_detail", args=[estate_a.slug, thread.pk])

    client.force_login(owner)
    html = client.get(url).content.decode()
    assert 'class="user-link">王芳</a>' in html  # the header: whose account this is
    assert '<strong class="dlb-author">王芳</strong>' in html  # their own post

    client.force_login(owner_building1)
    html = client.get(url).content.decode()
    assert 'class="user-link">李强</a>' in html
    assert '<strong class="dlb-author">王*</strong>' in html and "王芳" not in html


def test_data_download_holds_own_data_and_nothing_of_others(
    client, owner, owner_building1, tenant, world_a
):
    invitation = actions.create_invitation(owner, world_a.building3_unit)
    actions.submit_claim(
        owner,
        unit=world_a.building1_unit,
        kind=MembershipClaim.Kind.RESIDENT,
        claimant_name="王芳",
        note="帮父母申请",
    )
    actions.submit_claim(
        owner_building1, unit=world_a.building3_unit, kind="resident", claimant_name="李强"
    )
    guest = UserFactory(display_name="孙丽", phone="+8613700137000")
    actions.accept_invitation(invitation.code, guest)

    client.force_login(owner)
    response = client.get(reverse("accounts:data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)

    assert data["profile"]["display_name"] == "王芳"
    assert data["profile"]["phone"] == owner.phone
    assert {r["kind"] for r in data["roles"]} == {"owner"}
    [identity] = data["owner_identities"]
    assert identity["estate"] == "锦绣花园"
    assert [(u["building"], u["number"]) for u in identity["units"]] == [("3栋", "502")]
    assert [c["note"] for c in data["claims"]] == ["帮父母申请"]
    [sent] = data["invitations"]
    assert sent["code"] == invitation.code
    assert sent["other_party"] == "孙*"
    assert {e["action"] for e in data["audit_events"]} >= {"claim.submitted", "invitation.created"}

    text = response.content.decode()
    for foreign in (
        "李强",
        owner_building1.phone,
        "孙丽",
        guest.phone,
        tenant.display_name,
        tenant.phone,
    ):
        assert foreign not in text


def test_data_download_needs_login(client, db):
    response = client.get(reverse("accounts:data"))
    assert response.status_code == 302


# --- closing the account -----------------------------------------------------------------


def test_close_account_erases_personal_data_and_detaches_register(
    owner, world_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    TOTP.activate(owner, generate_totp_secret())
    identity = OwnerIdentity.objects.get(user=owner)
    claim = actions.submit_claim(
        owner,
        unit=world_a.building1_unit,
        kind="resident",
        claimant_name="王芳",
        evidence=ContentFile(b"%PDF-1.4 test", name="合同.pdf"),
    )
    evidence_path = claim.evidence.path
    events_before = AuditEvent.objects.count()

    close_account(owner, actor=owner)

    user = User.objects.get(pk=owner.pk)  # the row stays
    assert user.closed_at is not None
    assert (user.phone, user.email, user.display_name) == (None, None, "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not Authenticator.objects.filter(user=user).exists()

    identity.refresh_from_db()
    assert identity.user is None
    assert identity.name  # the register keeps the owner; only the link to the profile goes
    assert not Role.objects.active().filter(user=user).exists()
    assert Role.objects.filter(user=user).exists()  # revoked, kept as history
    assert not permissions.is_verified_owner(user, world_a.estate)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert (claim.claimant_name, claim.evidence.name) == ("", "")
    import os

    assert not os.path.exists(evidence_path)

    assert AuditEvent.objects.count() > events_before
    closed = AuditEvent.objects.get(action="account.closed")
    assert closed.object_id == str(user.pk)
    assert AuditEvent.objects.filter(action="role.revoked", object_type="community.role").exists()
    assert AuditEvent.objects.filter(action="owner.unlinked").exists()


def test_closed_account_cannot_log_in(client, owner):
    phone, email = owner.phone, owner.email
    close_account(owner, actor=owner)
    response = client.post(reverse("account_login"), {"login": email, "password": "pass-1234"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_request_login_code"), {"phone": phone})
    # Nobody holds that number any more: no code is sent for an account.
    assert all("验证码是" not in m.text for m in _sms_to(phone))
    assert response.status_code == 200


def _sms_to(phone):
    from portal.accounts.sms import LocmemSMSBackend

    return [m for m in LocmemSMSBackend.outbox if m.to == phone]


def test_close_page_with_phrase_and_password(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:close"), {"phrase": "注销账户", "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=owner.pk).closed_at is not None
    assert "_auth_user_id" not in client.session


def test_close_page_refuses_wrong_phrase_or_password_and_changes_nothing(client, owner):
    client.force_login(owner)
    response = client.post(reverse("accounts:close"), {"phrase": "注销", "password": "pass-1234"})
    assert "请准确输入“注销账户”" in response.content.decode()
    response = client.post(reverse("accounts:close"), {"phrase": "注销账户", "password": "wrong"})
    assert "密码不正确" in response.content.decode()
    response = client.post(reverse("accounts:close"), {"phrase": "注销账户"})
    assert "请输入登录密码，或获取并输入短信验证码" in response.content.decode()
    owner.refresh_from_db()
    assert owner.closed_at is None and owner.is_active
    assert not AuditEvent.objects.filter(action="account.closed").exists()


def test_close_page_with_sms_code(client, owner):
    phone = owner.phone
    client.force_login(owner)
    response = client.post(reverse("accounts:close_code"))
    assert response.status_code == 302
    code = last_sms_code(phone)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("accounts:close"), {"phrase": "注销账户", "code": wrong})
    assert "验证码不正确或已过期" in response.content.decode()
    response = client.post(reverse("accounts:close"), {"phrase": "注销账户", "code": code})
    assert response.status_code == 302
    assert User.objects.get(pk=owner.pk).closed_at is not None


def test_close_code_is_rate_limited(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts:close_code"))
    client.post(reverse("accounts:close_code"))
    assert len(_sms_to(owner.phone)) == 1
