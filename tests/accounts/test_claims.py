"""Applying for owner or resident status with evidence at /me/claims/new/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.community import actions
from portal.community.choices import ClaimStatus
from portal.community.models import AuditEvent, MembershipClaim
from tests.factories import UserFactory
from tests.photos import gps_of, phone_jpeg

PDF = b"%PDF-1.4\n" + b"0" * 100


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def applicant(db):
    return UserFactory(display_name="赵雷")


def _post(client, world, *, evidence, kind="owner", unit=None):
    return client.post(
        reverse("accounts:claim_new"),
        {
            "estate": world.estate.slug,
            "kind": kind,
            "unit": (unit or world.building1_unit).pk,
            "claimant_name": "赵雷",
            "note": "2023年购入，房产证在办理中。",
            "evidence": evidence,
        },
    )


def test_estate_is_chosen_first_then_units_of_that_estate(client, applicant, world_a, world_b):
    client.force_login(applicant)
    html = client.get(reverse("accounts:claim_new")).content.decode()
    assert "锦绣花园" in html and "翠湖苑" in html
    response = client.get(reverse("accounts:claim_new") + "?estate=jinxiu")
    assert "1栋 101" in response.content.decode()
    units = set(response.context["form"].fields["unit"].queryset)
    assert units == {world_a.building1_unit, world_a.building3_unit}


def test_claim_with_png_evidence_is_stored_and_audited(client, applicant, world_a):
    client.force_login(applicant)
    response = _post(client, world_a, evidence=SimpleUploadedFile("房产证.png", PNG, "image/png"))
    assert response.status_code == 302
    claim = MembershipClaim.objects.get(user=applicant)
    assert claim.status == ClaimStatus.PENDING
    assert claim.unit == world_a.building1_unit
    # Photos are kept re-encoded as JPEG, without their metadata (below).
    assert claim.evidence.name.endswith(".jpg")
    assert AuditEvent.objects.filter(action="claim.submitted", object_id=str(claim.pk)).exists()
    claim.evidence.delete(save=False)


def test_evidence_is_kept_outside_public_media_under_a_random_name(
    client, applicant, world_a, settings
):
    client.force_login(applicant)
    _post(client, world_a, evidence=SimpleUploadedFile("王芳-身份证.png", PNG, "image/png"))
    claim = MembershipClaim.objects.get(user=applicant)
    path = Path(claim.evidence.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert "王芳" not in claim.evidence.name and "身份证" not in claim.evidence.name
    with pytest.raises(ValueError):
        _ = claim.evidence.url  # no public address exists
    claim.evidence.delete(save=False)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("合同.docx", b"PK\x03\x04" + b"0" * 100, "只能是 JPG、PNG 或 PDF"),
        ("病毒.exe", b"MZ" + b"0" * 100, "只能是 JPG、PNG 或 PDF"),
        ("假图片.png", b"<html>not a png</html>", "文件内容与扩展名不符"),
        ("太大.pdf", PDF + b"0" * (5 * 1024 * 1024), "不能超过 5 MB"),
    ],
)
def test_bad_evidence_is_refused_in_chinese_and_nothing_is_stored(
    client, applicant, world_a, name, content, message
):
    client.force_login(applicant)
    response = _post(client, world_a, evidence=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MembershipClaim.objects.exists()
    assert not AuditEvent.objects.filter(action="claim.submitted").exists()


def test_missing_evidence_is_refused(client, applicant, world_a):
    client.force_login(applicant)
    response = _post(client, world_a, evidence="")
    assert response.status_code == 200
    assert "请上传证明材料" in response.content.decode()
    assert not MembershipClaim.objects.exists()


def test_unit_of_another_estate_is_refused(client, applicant, world_a, world_b):
    client.force_login(applicant)
    response = _post(
        client,
        world_a,
        unit=world_b.building3_unit,
        evidence=SimpleUploadedFile("a.pdf", PDF),
    )
    assert response.status_code == 200
    assert "请选择本小区的房屋" in response.content.decode()
    assert not MembershipClaim.objects.exists()


def test_second_pending_claim_for_same_unit_is_refused(client, applicant, world_a):
    client.force_login(applicant)
    _post(client, world_a, evidence=SimpleUploadedFile("a.pdf", PDF))
    response = _post(client, world_a, evidence=SimpleUploadedFile("b.pdf", PDF))
    assert response.status_code == 200
    assert "您已提交过该房屋的申请" in response.content.decode()
    assert MembershipClaim.objects.count() == 1
    MembershipClaim.objects.get().evidence.delete(save=False)


def test_profile_shows_decision_and_reason(client, applicant, world_a, committee_chair):
    claim = actions.submit_claim(
        applicant,
        unit=world_a.building3_unit,
        kind=MembershipClaim.Kind.RESIDENT,
        claimant_name="赵雷",
    )
    actions.decide_claim(
        claim, approve=False, reason="租赁合同已过期，请补充新合同。", actor=committee_chair
    )
    client.force_login(applicant)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "已驳回" in html
    assert "租赁合同已过期，请补充新合同。" in html


def test_anonymous_visitor_is_sent_to_login(client, world_a):
    response = client.get(reverse("accounts:claim_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_phone_photo_of_the_deed_is_stored_without_its_gps_position(client, applicant, world_a):
    client.force_login(applicant)
    upload = phone_jpeg("房产证.jpg")
    assert gps_of(upload.read()) and not upload.seek(0)
    response = _post(client, world_a, evidence=upload)
    assert response.status_code == 302
    claim = MembershipClaim.objects.get(user=applicant)
    with claim.evidence.open("rb") as stored:
        data = stored.read()
    assert gps_of(data) == {}
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    claim.evidence.delete(save=False)


def test_a_pdf_is_kept_as_it_came(client, applicant, world_a):
    client.force_login(applicant)
    _post(client, world_a, evidence=SimpleUploadedFile("购房合同.pdf", PDF))
    claim = MembershipClaim.objects.get(user=applicant)
    with claim.evidence.open("rb") as stored:
        assert stored.read() == PDF
    claim.evidence.delete(save=False)
