"""Photos on an action item's progress update: cleaned like a report's (no EXIF, upright),
append-only like the update, refused whole, and served to the estate's members only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from deliberation.oversight import actions
from deliberation.oversight.models import ActionItemPhoto, ActionItemUpdate, AppendOnlyError
from tests.photos import gps_of, phone_jpeg

pytestmark = pytest.mark.django_db


def _report(item, actor, photos):
    return actions.post_update(
        item, actor=actor, note="已拆除旧防水层。", progress=40, state="in_progress", photos=photos
    )


def test_an_update_keeps_its_photos_without_exif_and_they_stay_as_they_were(item, property_manager):
    upload = phone_jpeg()
    assert gps_of(upload.read())
    upload.seek(0)
    update = _report(item, property_manager, [upload, phone_jpeg("2.jpg")])
    first, second = update.photos.all()
    with Image.open(first.image.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    with pytest.raises(AppendOnlyError):
        first.delete()


def test_a_refused_photo_leaves_no_update_behind(item, property_manager):
    fake = SimpleUploadedFile("现场.jpg", b"plain text, not a picture")
    with pytest.raises(ValidationError) as refused:
        _report(item, property_manager, [phone_jpeg(), fake])
    assert refused.value.messages[0].startswith("“现场.jpg”不是可以识别的照片")
    assert not ActionItemUpdate.objects.exists() and not ActionItemPhoto.objects.exists()
    item.refresh_from_db()
    assert item.progress == 0


def test_the_photos_reach_members_through_the_item_page_and_no_one_else(
    client, item, property_manager, owner, outsider, estate_a
):
    update = _report(item, property_manager, [phone_jpeg()])
    photo = update.photos.get()
    urls = [
        reverse(name, args=[estate_a.slug, item.pk, update.pk, photo.pk])
        for name in ("oversight:update_photo", "oversight:update_photo_thumbnail")
    ]
    client.force_login(owner)
    assert urls[1] in client.get(item.get_absolute_url()).content.decode()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403


def test_the_progress_form_takes_photos(client, item, property_manager, estate_a):
    client.force_login(property_manager)
    response = client.post(
        reverse("oversight:item_progress", args=[estate_a.slug, item.pk]),
        {"state": "in_progress", "progress": 30, "note": "已进场施工。", "photos": [phone_jpeg()]},
    )
    assert response.status_code == 302
    assert ActionItemPhoto.objects.filter(update__item=item).count() == 1


def test_a_photo_sent_as_evidence_is_kept_without_its_gps_position_too(item, property_manager):
    update = actions.post_update(
        item,
        actor=property_manager,
        note="防水层已铺设。",
        progress=80,
        state="in_progress",
        evidence=phone_jpeg("屋面.jpg"),
    )
    assert update.evidence_name == "屋面.jpg"
    with update.evidence.open("rb") as stored:
        assert not gps_of(stored.read())
