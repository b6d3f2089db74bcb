"""Marking an issue report 已解决 says what was done: a note, and a photo if there is one."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from deliberation import actions
from deliberation.choices import ThreadState
from deliberation.models import Resolution
from portal.community.models import AuditEvent
from tests.deliberation.conftest import report_issue
from tests.photos import gps_of, phone_jpeg

pytestmark = pytest.mark.django_db

NOTE = "已更换 3 栋 5 楼楼道的破损排水管，闭水试验 24 小时无渗漏。"


def _photo(name: str = "现场.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def roof(estate_a, owner, property_staff):
    return report_issue(estate_a, owner)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("note", ["", "   ", "已处理", "好了。\n"])
def test_resolving_without_a_note_of_what_was_done_is_refused_and_changes_nothing(
    roof, property_staff, note
):
    with pytest.raises(ValidationError) as refused:
        actions.mark_resolved(roof, property_staff, note=note)
    assert "请说明做了什么" in refused.value.message_dict["note"][0]
    roof.refresh_from_db()
    assert roof.state == ThreadState.PENDING and roof.resolved_at is None
    assert not Resolution.objects.exists()
    assert not AuditEvent.objects.filter(action="deliberation.resolved").exists()


def test_resolving_with_a_note_and_a_photo_keeps_both_and_tells_the_reporter(
    roof, property_staff, private_media
):
    actions.mark_resolved(roof, property_staff, note=NOTE, photo=_photo())
    roof.refresh_from_db()
    assert roof.state == ThreadState.RESOLVED
    resolution = Resolution.objects.get(thread=roof)
    assert (resolution.note, resolution.reported_by, resolution.party) == (
        NOTE,
        property_staff,
        roof.responsible_party,
    )
    # Kept as people see it: re-encoded (portal.community.photos), under a random name.
    assert resolution.photo.name.endswith(".jpg") and "现场" not in resolution.photo.name
    event = AuditEvent.objects.get(action="deliberation.resolved")
    assert event.details["resolution"] == resolution.pk and event.details["photo"] is True


def test_a_photo_that_is_not_a_picture_is_refused(roof, property_staff, private_media):
    fake = SimpleUploadedFile("现场.png", b"not a picture at all", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        actions.mark_resolved(roof, property_staff, note=NOTE, photo=fake)
    assert "photo" in refused.value.message_dict
    assert not Resolution.objects.exists()


def test_the_page_refuses_an_empty_note_beside_the_field_and_keeps_what_was_typed(
    client, roof, property_staff
):
    client.force_login(property_staff)
    url = reverse("deliberation:thread_resolve", args=[roof.estate.slug, roof.pk])
    response = client.post(url, {"note": "修好"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_note">' in html  # the error summary links to the note
    assert (
        'id="id_note_error"' in html and 'aria-describedby="id_note_helptext id_note_error"' in html
    )
    assert "修好</textarea>" in html
    roof.refresh_from_db()
    assert roof.state == ThreadState.PENDING


def test_members_see_the_note_and_photo_and_an_outsider_gets_neither(
    client, roof, property_staff, owner, outsider, private_media
):
    client.force_login(property_staff)
    url = reverse("deliberation:thread_resolve", args=[roof.estate.slug, roof.pk])
    response = client.post(url, {"note": NOTE, "photo": _photo()})
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    photo_url = reverse(
        "deliberation:resolution_photo", args=[roof.estate.slug, roof.pk, resolution.pk]
    )
    client.force_login(owner)
    thread_url = reverse("deliberation:thread_detail", args=[roof.estate.slug, roof.pk])
    html = client.get(thread_url).content.decode()
    assert NOTE in html and photo_url in html
    assert client.get(photo_url).status_code == 200
    client.force_login(outsider)
    assert client.get(photo_url).status_code in (403, 404)


def test_the_database_itself_refuses_a_resolution_without_a_note(roof, property_staff):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            thread=roof, party=roof.responsible_party, reported_by=property_staff, note=""
        )


def test_a_resolution_photo_is_kept_without_its_gps_position(roof, property_staff):
    actions.mark_resolved(roof, property_staff, note=NOTE, photo=phone_jpeg("修好了.jpg"))
    with Resolution.objects.get(thread=roof).photo.open("rb") as stored:
        assert not gps_of(stored.read())
