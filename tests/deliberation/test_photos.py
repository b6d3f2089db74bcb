"""Photos from the phone on an issue report: stored upright, small and without EXIF, kept
private, shown to whoever may read the report, refused whole when one is wrong."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from PIL import Image

from deliberation import actions
from deliberation.choices import IssueCategory, ThreadKind
from deliberation.models import Post, PostPhoto, Thread
from portal.community import photos
from tests.deliberation.conftest import report_issue
from tests.photos import ROTATE_90_CW, gps_of, phone_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_media():
    """The private storage folder, and the files in it before the test (others' stay)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return root, set(_files_in(root))


def _files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_a_reported_photo_is_stored_upright_without_its_gps_position_or_any_exif(
    estate_a, owner, private_media
):
    upload = phone_jpeg(orientation=ROTATE_90_CW)
    assert gps_of(upload.read())  # the phone's file does carry a position
    upload.seek(0)

    thread = report_issue(estate_a, owner, photos=[upload])

    photo = PostPhoto.objects.get(post__thread=thread)
    assert Path(photo.image.path).is_relative_to(private_media[0])
    assert "IMG_0412" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # no EXIF block at all: no GPS, no device, no time
        assert "exif" not in stored.info and "xmp" not in stored.info
        # Turned upright by the orientation, before it was dropped: 64×32 became 32×64,
        # the red left half is now on top.
        assert stored.size == (32, 64) == (photo.width, photo.height)
        top, bottom = stored.convert("RGB").getpixel((16, 8)), stored.getpixel((16, 56))
    assert top[0] > 180 and top[2] < 80
    assert bottom[2] > 180 and bottom[0] < 80
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert not thumbnail.getexif()


def test_a_large_photo_is_kept_at_2048_pixels_on_its_longest_side_with_a_small_thumbnail(
    estate_a, owner
):
    thread = report_issue(estate_a, owner, photos=[phone_jpeg(size=(3000, 1500))])
    photo = PostPhoto.objects.get(post__thread=thread)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (2048, 1024)
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == photos.THUMBNAIL_SIDE


def test_png_and_webp_are_accepted_and_stored_as_jpeg_transparency_on_white(estate_a, owner):
    uploads = []
    for image_format in ("PNG", "WEBP"):
        buffer = io.BytesIO()
        Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(buffer, format=image_format)
        uploads.append(SimpleUploadedFile(f"x.{image_format.lower()}", buffer.getvalue()))
    thread = report_issue(estate_a, owner, photos=uploads)
    stored = list(PostPhoto.objects.filter(post__thread=thread))
    assert [p.position for p in stored] == [0, 1]
    for photo in stored:
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG" and image.getpixel((5, 5))[0] > 240


def _assert_nothing_saved(private_media: tuple[Path, set[Path]]) -> None:
    assert not Thread.objects.exists()
    assert not Post.objects.exists()
    assert not PostPhoto.objects.exists()
    root, before = private_media
    assert set(_files_in(root)) == before


def test_an_oversized_photo_is_refused_with_its_name_and_nothing_is_saved(
    estate_a, owner, private_media
):
    huge = SimpleUploadedFile(
        "全景.jpg", b"\xff\xd8\xff" + b"\0" * photos.MAX_PHOTO_BYTES, content_type="image/jpeg"
    )
    with pytest.raises(ValidationError) as refused:
        report_issue(estate_a, owner, photos=[phone_jpeg(), huge])
    assert refused.value.message_dict["photos"] == [
        "“全景.jpg”超过 10 MB，请换一张或压缩后再上传。"
    ]
    _assert_nothing_saved(private_media)


def test_a_text_file_named_jpg_is_refused_by_its_content_and_nothing_is_saved(
    estate_a, owner, private_media
):
    fake = SimpleUploadedFile(
        "照片.jpg", "这不是照片，是一段文字。".encode(), content_type="image/jpeg"
    )
    with pytest.raises(ValidationError) as refused:
        report_issue(estate_a, owner, photos=[phone_jpeg(), fake])
    (message,) = refused.value.message_dict["photos"]
    assert message.startswith("“照片.jpg”不是可以识别的照片")
    _assert_nothing_saved(private_media)


def test_a_photo_broken_after_its_header_is_refused(estate_a, owner, private_media):
    whole = phone_jpeg(size=(400, 300)).read()
    broken = SimpleUploadedFile("断.jpg", whole[: len(whole) // 2])
    with pytest.raises(ValidationError) as refused:
        report_issue(estate_a, owner, photos=[broken])
    assert "photos" in refused.value.message_dict
    _assert_nothing_saved(private_media)


def test_more_photos_than_the_limit_are_refused(estate_a, owner, private_media):
    uploads = [phone_jpeg(f"{n}.jpg") for n in range(photos.MAX_PHOTOS + 1)]
    with pytest.raises(ValidationError) as refused:
        report_issue(estate_a, owner, photos=uploads)
    assert refused.value.message_dict["photos"] == ["最多上传 9 张照片，您选了 10 张。"]
    _assert_nothing_saved(private_media)


def test_exactly_the_limit_is_accepted(estate_a, owner):
    uploads = [phone_jpeg(f"{n}.jpg", size=(8, 8)) for n in range(photos.MAX_PHOTOS)]
    thread = report_issue(estate_a, owner, photos=uploads)
    assert PostPhoto.objects.filter(post__thread=thread).count() == photos.MAX_PHOTOS


def test_only_an_issue_report_takes_photos(estate_a, owner, private_media):
    with pytest.raises(ValidationError) as refused:
        actions.start_thread(
            estate_a,
            owner,
            kind=ThreadKind.TOPIC,
            title="快递柜",
            body="好不好？",
            photos=[phone_jpeg()],
        )
    assert "photos" in refused.value.message_dict
    _assert_nothing_saved(private_media)


# --- through the pages -------------------------------------------------------------------


def _report_through_the_form(client, estate, uploads):
    return client.post(
        reverse("deliberation:thread_create", args=[estate.slug]),
        {
            "kind": ThreadKind.ISSUE,
            "category": IssueCategory.REPAIR,
            "title": "5栋门口路灯不亮",
            "body": "5栋门口的路灯坏了三天。",
            "photos": uploads,
        },
    )


def test_the_form_takes_photos_and_the_thread_shows_their_thumbnails(client, estate_a, owner):
    client.force_login(owner)
    page = client.get(reverse("deliberation:thread_create", args=[estate_a.slug]))
    assert b'capture="environment"' in page.content and b'accept="image/*"' in page.content
    response = _report_through_the_form(
        client, estate_a, [phone_jpeg("a.jpg"), phone_jpeg("b.jpg")]
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    first, second = PostPhoto.objects.filter(post__thread=thread)
    page = client.get(thread.get_absolute_url()).content.decode()
    for photo in (first, second):
        assert (
            reverse("deliberation:post_photo_thumbnail", args=[estate_a.slug, thread.pk, photo.pk])
            in page
        )
    photo = client.get(
        reverse("deliberation:post_photo", args=[estate_a.slug, thread.pk, first.pk])
    )
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Cache-Control"] == "private, no-store"
    assert not gps_of(b"".join(photo.streaming_content))


def test_a_refused_photo_on_the_form_says_why_in_chinese_and_creates_nothing(
    client, estate_a, owner, private_media
):
    client.force_login(owner)
    fake = SimpleUploadedFile("门口.jpg", b"GIF? no, text.", content_type="image/jpeg")
    response = _report_through_the_form(client, estate_a, [fake])
    assert response.status_code == 200
    assert "“门口.jpg”不是可以识别的照片" in response.content.decode()
    _assert_nothing_saved(private_media)


@pytest.fixture
def lamp(estate_a, owner):
    thread = report_issue(estate_a, owner, title="5栋门口路灯不亮", photos=[phone_jpeg()])
    photo = PostPhoto.objects.get(post__thread=thread)
    return thread, [
        reverse(name, args=[estate_a.slug, thread.pk, photo.pk])
        for name in ("deliberation:post_photo", "deliberation:post_photo_thumbnail")
    ]


@pytest.mark.parametrize("reader", ["owner", "tenant", "property_staff", "community_official"])
def test_whoever_may_read_the_report_gets_its_photos(request, client, lamp, reader):
    client.force_login(request.getfixturevalue(reader))
    for url in lamp[1]:
        assert client.get(url).status_code == 200


def test_an_owner_of_another_estate_is_refused_the_photos(client, lamp, outsider):
    client.force_login(outsider)
    for url in lamp[1]:
        assert client.get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_not_given_the_photos(client, lamp):
    for url in lamp[1]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_a_photo_is_not_reachable_through_another_thread(client, lamp, estate_a, owner, topic):
    client.force_login(owner)
    photo_id = PostPhoto.objects.get().pk
    url = reverse("deliberation:post_photo", args=[estate_a.slug, topic.pk, photo_id])
    assert client.get(url).status_code == 404


def test_hiding_the_report_hides_its_photos_from_readers_but_not_its_author(
    client, lamp, owner, tenant, moderator
):
    thread, urls = lamp
    actions.hide_post(thread.posts.get(), moderator, reason="personal_info")
    client.force_login(tenant)
    assert urls[1] not in client.get(thread.get_absolute_url()).content.decode()
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(owner)
    assert urls[1] in client.get(thread.get_absolute_url()).content.decode()
    assert client.get(urls[0]).status_code == 200
