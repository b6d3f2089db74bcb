"""Photos from the phone: checked by their content, made small and stripped of metadata.

An issue report or a progress update may carry photos taken on the spot. A phone's photo
carries its EXIF block: the GPS position where it was taken (often the reporter's home), the
time, the device. So no uploaded file is ever kept as it came: each is opened with Pillow (an
image by its content, never by its name), turned upright by its EXIF orientation, scaled to
at most LONGEST_SIDE pixels, and written out again as a fresh JPEG that carries no EXIF, XMP
or comment, only the colour profile. A small thumbnail is made beside it.

Both are kept in private storage (portal.community.storage) and reach people only through
views that ask `permissions.may(user, "view_photos", holder)`, the holder being what the
photos are attached to (a post, an action-item update), so they follow its moderation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from portal.community.storage import RandomName, private_storage

try:  # HEIC/HEIF (iPhones, some Android phones) when the pillow-heif plugin is installed
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - optional; iOS Safari sends JPEG for image/* anyway
    HEIF_SUPPORTED = False
else:
    register_heif_opener()
    HEIF_SUPPORTED = True

MAX_PHOTOS = 9  # as many as a WeChat Moments post: what people are used to
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # as for evidence; a phone's normal photo is 2-6 MB
# 64 million pixels admits a 50-megapixel camera's full-size photo; beyond that decoding a
# PNG or WebP would need hundreds of MB of memory in a web worker.
MAX_PIXELS = 64_000_000
LONGEST_SIDE = 2048
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Pillow's names for what it read. MPO is the JPEG many phones write with a depth map inside.
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"} | ({"HEIF"} if HEIF_SUPPORTED else set()))


def formats_label() -> str:
    return "JPG、PNG、WebP" + ("、HEIC" if HEIF_SUPPORTED else "")


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: the re-encoded JPEG, its thumbnail and its size in pixels."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _short_name(upload: Any) -> str:
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    return name if len(name) <= 40 else name[:37] + "…"


def _refuse(message: str, upload: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message % {"name": _short_name(upload), **params}, code=code)


def _check_content(upload: Any) -> None:
    """Refuse what is not an image of an accepted format, judged by the bytes alone."""
    not_a_photo = _refuse(
        _("“%(name)s”不是可以识别的照片，请上传 %(formats)s 格式的照片。"),
        upload,
        "photo_content",
        formats=formats_label(),
    )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            pixels = probe.width * probe.height
            probe.verify()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(upload) from exc
    except Exception as exc:  # Pillow raises many kinds for what is not a readable image
        raise not_a_photo from exc
    finally:
        upload.seek(0)
    if image_format not in FORMATS:
        raise not_a_photo
    if pixels > MAX_PIXELS:
        raise _too_many_pixels(upload)


def _too_many_pixels(upload: Any) -> ValidationError:
    return _refuse(
        _("“%(name)s”的像素太多（超过 %(mp)s 万像素），请用手机的普通拍照模式或截图后再上传。"),
        upload,
        "photo_pixels",
        mp=MAX_PIXELS // 10_000,
    )


def _flatten(image: Image.Image) -> Image.Image:
    """Return the image in RGB, transparency laid on white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, *, quality: int, icc_profile: bytes | None) -> bytes:
    """Encode as a fresh JPEG: nothing of the original's metadata but its colour profile."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": quality, "optimize": True, "progressive": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def clean_photo(upload: Any) -> CleanPhoto:
    """Return the photo upright, at most LONGEST_SIDE pixels, re-encoded without metadata.

    Refuse (ValidationError naming the file) an empty or oversized file, a file that is not
    an image of an accepted format whatever its name says, or one with too many pixels.
    """
    if not upload.size:
        raise _refuse(_("“%(name)s”是空文件。"), upload, "photo_empty")
    if upload.size > MAX_PHOTO_BYTES:
        raise _refuse(
            _("“%(name)s”超过 %(mb)s MB，请换一张或压缩后再上传。"),
            upload,
            "photo_size",
            mb=MAX_PHOTO_BYTES // (1024 * 1024),
        )
    _check_content(upload)
    try:
        with Image.open(upload) as original:
            # JPEG decodes straight at a smaller scale (never below the size we keep).
            original.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))
            icc_profile = original.info.get("icc_profile")
            # Upright first: the orientation lives in the EXIF block about to be dropped.
            upright = ImageOps.exif_transpose(original)
            image = _flatten(upright)
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt past the header
        raise _refuse(
            _("“%(name)s”已损坏，无法打开，请重新拍摄或换一张。"), upload, "photo_broken"
        ) from exc
    finally:
        upload.seek(0)
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return CleanPhoto(
        image=_jpeg(image, quality=JPEG_QUALITY, icc_profile=icc_profile),
        thumbnail=_jpeg(thumbnail, quality=THUMBNAIL_QUALITY, icc_profile=icc_profile),
        width=image.width,
        height=image.height,
    )


def cleaned_file(upload: Any) -> ContentFile:
    """Return one photo cleaned (clean_photo) as a JPEG file named after the upload.

    For the single photo fields that keep one file (a resolution's photo, an update's
    evidence): they store it as people will see it, without its EXIF position either.
    """
    stem = PurePosixPath(getattr(upload, "name", "") or "").stem or "photo"
    return ContentFile(clean_photo(upload).image, name=f"{stem}.jpg")


def clean_photos(uploads: Sequence[Any]) -> list[CleanPhoto]:
    """Return every upload cleaned (clean_photo), or refuse them all with every problem.

    What is already a CleanPhoto (a form's PhotosField cleaned it) passes through, so an
    action can call this on whatever it is given and store only cleaned photos. Nothing is
    stored here: callers store the result inside their own transaction, so a refused upload
    leaves nothing behind.
    """
    uploads = [upload for upload in uploads or () if upload]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            _("最多上传 %(n)s 张照片，您选了 %(count)s 张。")
            % {"n": MAX_PHOTOS, "count": len(uploads)},
            code="photo_count",
        )
    cleaned, problems = [], []
    for upload in uploads:
        if isinstance(upload, CleanPhoto):
            cleaned.append(upload)
            continue
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)
    return cleaned


# --- storing -------------------------------------------------------------------------------


def photo_path(instance: PhotoBase, filename: str) -> str:
    """Return a random private path in the model's folder: '<photo_folder>/2026/11/<uuid>.jpg'."""
    return RandomName(instance.photo_folder)(instance, filename)


class PhotoBase(models.Model):
    """One stored photo (already cleaned) and its thumbnail; subclasses add what it belongs to
    and name their folder (`photo_folder`). Both files are in private storage under random
    names."""

    photo_folder = "photos"

    image = models.FileField(
        gettext_lazy("照片"), upload_to=photo_path, storage=private_storage, max_length=200
    )
    thumbnail = models.FileField(
        gettext_lazy("缩略图"), upload_to=photo_path, storage=private_storage, max_length=200
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    @classmethod
    def store(cls, photos: Sequence[CleanPhoto], **owner: Any) -> list[PhotoBase]:
        """Save the cleaned photos for their owner (e.g. post=…), in the order given.

        Call inside the owner's transaction. Should writing a file fail, the files already
        written are removed before the error goes on, so a refusal leaves no file behind.
        """
        stored: list[PhotoBase] = []
        try:
            for position, photo in enumerate(photos):
                row = cls(width=photo.width, height=photo.height, position=position, **owner)
                row.image.save("photo.jpg", ContentFile(photo.image), save=False)
                row.thumbnail.save("photo.jpg", ContentFile(photo.thumbnail), save=False)
                stored.append(row)
                row.save()
        except Exception:
            for row in stored:
                row.image.delete(save=False)
                row.thumbnail.delete(save=False)
            raise
        return stored


# --- the form field ------------------------------------------------------------------------


class PhotosInput(forms.FileInput):
    """Two pickers for one field: the camera (`capture`) and the phone's album.

    With `capture="environment"` a phone opens the rear camera directly and offers no album,
    so a photo taken before could not be sent; the second input (same name) is the album.
    Both are plain file inputs: the form works without JavaScript.
    """

    allow_multiple_selected = True
    template_name = "components/photos_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/*", "multiple": True, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        attrs = widget["attrs"]
        widget["camera"] = {"attrs": {**attrs, "capture": "environment"}}
        widget["album"] = {"attrs": {**attrs, "id": f"{attrs.get('id', name)}_album"}}
        return context


def _photos_help_text() -> str:
    return _(
        "可拍照或从相册选择，最多 %(n)s 张，每张不超过 %(mb)s MB。照片中的拍摄地点等信息会被去除。"
    ) % {"n": MAX_PHOTOS, "mb": MAX_PHOTO_BYTES // (1024 * 1024)}


photos_help_text = lazy(_photos_help_text, str)


class PhotosField(forms.FileField):
    """Several photos from the phone, cleaned as a whole (clean_photos) into CleanPhoto.

    `cleaned_data[name]` is the list of CleanPhoto; the actions take that list, so what was
    checked is exactly what is stored.
    """

    widget = PhotosInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", photos_help_text())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CleanPhoto]:
        uploads = [upload for upload in (data or []) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return clean_photos(uploads)
