"""Photos as a phone writes them, for the tests of photos from the phone."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

RED, BLUE = (220, 20, 20), (20, 20, 220)
ROTATE_90_CW = 6  # EXIF Orientation: the camera was turned; show it rotated 90° clockwise


def phone_jpeg(name: str = "IMG_0412.jpg", *, size=(64, 32), orientation: int | None = None):
    """Return a JPEG as a phone writes it: left half red, right half blue, with its GPS
    position (the reporter's home) and optionally an orientation in EXIF."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 9.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def gps_of(data: bytes) -> dict:
    """Return the GPS block of an image's EXIF ({} when it has none)."""
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
