"""Certification, the 决议公告, and the results files (PDF, CSV, JSON) with who may see them."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.community.models import AuditEvent
from portal.notices.choices import Issuer, NoticeCategory
from portal.notices.models import NoticePage
from tests.voting.conftest import full_choices, open_assembly, right_of
from voting import actions, results
from voting.models import AssemblyPage, AssemblyResult

pytestmark = pytest.mark.django_db


def close(assembly) -> AssemblyPage:
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    return AssemblyPage.objects.get(pk=assembly.pk)


@pytest.fixture
def closed(estate_a, register, committee_chair, owner, owner_building1) -> AssemblyPage:
    assembly = open_assembly(estate_a, committee_chair)
    for user in (owner, owner_building1):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel="online",
            cast_by=user,
        )
    return close(assembly)


def certify(assembly, actor, **kwargs) -> AssemblyResult:
    return actions.certify_result(assembly, actor=actor, **kwargs)


# --- certification ---------------------------------------------------------------------------


def test_certification_freezes_the_result_and_publishes_the_resolution_notice(
    closed, committee_chair
):
    result = certify(closed, committee_chair)
    notice = NoticePage.objects.get(pk=result.notice_id)
    assert notice.live
    assert notice.category == NoticeCategory.RESOLUTION
    assert notice.issuer == Issuer.COMMITTEE
    assert notice.min_display_days == 15
    assert list(notice.buildings.all()) == []  # the whole estate
    assert notice.page_estate == closed.page_estate
    assert notice.display_period_ends_at == notice.first_published_at + timedelta(days=15)
    assert notice.removal_refusal() is not None  # cannot be taken down during the period
    assert "续聘锦城物业服务有限公司" in str(notice.body)
    assert result.snapshot["motions"][0]["title"] == "续聘锦城物业服务有限公司"
    # The snapshot's SHA-256 is over its canonical JSON (voting/LEDGER.md): keys sorted at every
    # level, no whitespace, non-ASCII as itself, UTF-8; written out here, not taken from the code.
    canonical = json.dumps(
        result.snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "续聘锦城物业服务有限公司".encode() in canonical  # not \uXXXX escapes
    assert result.snapshot_sha256 == hashlib.sha256(canonical).hexdigest()
    event = AuditEvent.objects.get(action="assembly.certified")
    assert event.actor == committee_chair and event.details["notice_id"] == notice.pk


def test_a_longer_display_period_from_the_rules_is_used(estate_a, register, committee_chair, owner):
    assembly = open_assembly(estate_a, committee_chair, result_display_days=30)
    result = certify(close(assembly), committee_chair)
    assert result.notice.min_display_days == 30


def test_members_are_told_once_as_an_assembly_notification(
    closed, committee_chair, owner, tenant, notifications
):
    result = certify(closed, committee_chair)
    key = f"notice:{result.notice_id}:published"
    sent = [n for n in notifications.sent if n["dedupe_key"] == key]
    assert sent[0]["category"] == "assembly"
    assert {owner, tenant} <= set(sent[0]["recipients"])
    # The notices app's own announcement of the page shares the key, so nobody hears twice.
    assert {n["category"] for n in sent} <= {"assembly", "notice"}


def test_the_result_is_certified_once_and_stays_as_certified(closed, committee_chair):
    result = certify(closed, committee_chair)
    with pytest.raises(ValidationError, match="已经核定"):
        certify(closed, committee_chair)
    from portal.community.models.audit import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        result.save()
    assert AssemblyResult.objects.count() == 1


def test_an_owner_cannot_certify(closed, owner):
    with pytest.raises(PermissionDenied):
        certify(closed, owner)
    assert not AssemblyResult.objects.exists()


def test_the_committee_of_another_estate_cannot_certify(closed, committee_chair_b):
    with pytest.raises(PermissionDenied):
        certify(closed, committee_chair_b)


def test_an_open_assembly_cannot_be_certified(assembly, committee_chair):
    with pytest.raises(ValidationError, match="投票结束后"):
        certify(assembly, committee_chair)


def test_certifying_after_the_three_day_rule_is_recorded_as_overdue(closed, committee_chair):
    assert closed.result_due_by == closed.closed_at + timedelta(days=3)
    assert not closed.result_overdue(closed.closed_at + timedelta(days=2))
    assert closed.result_overdue(closed.closed_at + timedelta(days=3, minutes=1))
    late = closed.closed_at + timedelta(days=4)
    with time_machine.travel(late, tick=False):
        result = certify(closed, committee_chair, now=late)
    assert result.overdue
    assert not AssemblyPage.objects.get(pk=closed.pk).result_overdue(late)


def test_the_manage_page_shows_the_due_date_and_an_overdue_warning(client, closed, committee_chair):
    client.force_login(committee_chair)
    url = reverse("voting:manage", args=[closed.pk])
    response = client.get(url)
    assert "结果公布期限" in response.content.decode()
    assert "已超过结果公布期限" not in response.content.decode()
    with time_machine.travel(closed.closed_at + timedelta(days=5)):
        client.force_login(committee_chair)  # the session would have expired meanwhile
        response = client.get(url)
    assert "已超过结果公布期限" in response.content.decode()


def test_the_committee_certifies_from_the_manage_page(client, closed, committee_chair):
    client.force_login(committee_chair)
    response = client.post(
        reverse("voting:certify", args=[closed.pk]), {"confirm": "certify"}, follow=True
    )
    assert response.status_code == 200
    assert AssemblyResult.objects.filter(assembly=closed).exists()
    assert "决议公告已发布" in response.content.decode()


def test_an_owner_posting_to_certify_is_refused(client, closed, owner):
    client.force_login(owner)
    response = client.post(reverse("voting:certify", args=[closed.pk]), {"confirm": "certify"})
    assert response.status_code == 403
    assert not AssemblyResult.objects.exists()


# --- files -----------------------------------------------------------------------------------


def _pdf_literal(raw: bytes) -> bytes:
    """Decode a PDF literal string's escapes (\\ddd, \\(, \\), \\\\)."""
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += raw[i + 1 : i + 2]
            i += 2
            continue
        out += raw[i : i + 1]
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Return the text drawn in the CID font (UCS-2) across the PDF's content streams."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        except ValueError:
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            decoded = _pdf_literal(literal)
            if len(decoded) % 2 == 0:
                shown.append(decoded.decode("utf-16-be", errors="replace"))
    return "".join(shown)


def test_the_pdf_opens_and_holds_the_text(closed, committee_chair):
    certify(closed, committee_chair)
    pdf = results.to_pdf(results.result_data(closed))
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"/BaseFont /STSong-Light" in pdf
    text = pdf_text(pdf)
    assert "表决结果" in text
    assert "续聘锦城物业服务有限公司" in text
    assert "王建国" in text


def test_the_csv_has_a_bom_and_a_row_per_motion_and_candidate(closed, committee_chair):
    certify(closed, committee_chair)
    content = results.to_csv(results.result_data(closed))
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "续聘锦城物业服务有限公司" in text
    assert "同意面积（㎡）" in text
    assert "王建国" in text and "杨磊" in text
    assert "民法典第二百七十八条" in text


def test_the_json_has_every_figure_per_motion(closed, committee_chair):
    certify(closed, committee_chair)
    data = json.loads(results.to_json(results.result_data(closed)))
    resolution, special, election = data["motions"]
    assert resolution["agree"] == {"area": "208.50", "heads": 2}
    assert special["oppose"] == {"area": "208.50", "heads": 2}
    for key in ("participating", "quorum_met", "passed", "legal_basis", "abstain"):
        assert key in resolution
    assert resolution["quorum_met"] is False  # 2 of 6 heads took part
    assert election["kind"] == "election"
    assert [c["name"] for c in election["candidates"]][:2] == ["王建国", "李秀英"]
    assert data["certified"]["sha256"] == AssemblyResult.objects.get().snapshot_sha256


def test_the_deemed_tally_is_beside_in_the_files(estate_a, register, committee_chair, owner):
    assembly = open_assembly(estate_a, committee_chair, deemed_consent=True)
    actions.cast_ballot(
        assembly, right_of(owner, assembly), full_choices(assembly), channel="online", cast_by=owner
    )
    data = results.result_data(close(assembly))
    first = data["motions"][0]
    assert first["deemed"]["agree"]["heads"] == 6 and first["agree"]["heads"] == 1
    text = results.to_csv(data).decode("utf-8-sig")
    assert "视为同意多数（另列）" in text


# --- who may see them --------------------------------------------------------------------------


def file_url(assembly, kind: str) -> str:
    return reverse("voting:results_file", args=[assembly.pk, kind])


@pytest.mark.parametrize("kind", ["pdf", "csv", "json"])
def test_files_are_public_to_members_after_certification(
    client, closed, committee_chair, owner, kind
):
    client.force_login(owner)
    assert client.get(file_url(closed, kind)).status_code == 403
    certify(closed, committee_chair)
    response = client.get(file_url(closed, kind))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'result.{kind}"')


def test_the_committee_and_officials_see_results_right_after_the_close(
    client, closed, committee_member, community_official
):
    for user in (committee_member, community_official):
        client.force_login(user)
        assert client.get(reverse("voting:results", args=[closed.pk])).status_code == 200
        assert client.get(file_url(closed, "json")).status_code == 200


def test_an_outsider_never_sees_the_results(client, closed, committee_chair, outsider):
    certify(closed, committee_chair)
    client.force_login(outsider)
    assert client.get(reverse("voting:results", args=[closed.pk])).status_code == 403
    assert client.get(file_url(closed, "csv")).status_code == 403


def test_nobody_sees_results_while_voting_is_open(
    client, assembly, owner, committee_chair, community_official
):
    for user in (owner, committee_chair, community_official):
        client.force_login(user)
        assert client.get(reverse("voting:results", args=[assembly.pk])).status_code == 403
        assert client.get(file_url(assembly, "json")).status_code == 403


def test_the_results_page_shows_outcome_and_links(client, closed, committee_chair):
    certify(closed, committee_chair)
    client.force_login(committee_chair)
    page = client.get(reverse("voting:results", args=[closed.pk])).content.decode()
    assert "业主委员会已于" in page
    assert file_url(closed, "pdf") in page
    assert "未达到" in page  # the quorum was missed
    assembly_page = client.get(closed.url).content.decode()
    assert reverse("voting:results", args=[closed.pk]) in assembly_page


def test_an_unknown_file_type_is_not_found(client, closed, committee_chair):
    client.force_login(committee_chair)
    assert client.get(file_url(closed, "xls")).status_code == 404


def test_the_csv_neutralises_a_title_shaped_like_a_formula(closed, committee_chair):
    AssemblyPage.objects.filter(pk=closed.pk).update(title="@SUM(1+1)*cmd|' /C calc'!A0")
    closed.refresh_from_db()
    certify(closed, committee_chair)
    text = results.to_csv(results.result_data(closed)).decode("utf-8-sig")
    assert "\n'@SUM" in text or ",'@SUM" in text
    assert ",@SUM" not in text
