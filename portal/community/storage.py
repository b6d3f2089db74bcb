"""Where personal documents live: outside MEDIA_ROOT, never served by URL.

Evidence of ownership, proxy authorisations and paper ballot scans carry ID numbers and
signatures (PIPL "sensitive personal information"). They are stored under
PRIVATE_MEDIA_ROOT, which no web server maps, with random file names, and reach people only
through views that ask the permissions module first and answer with `private, no-store`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """A file system storage with no URLs: its files are read only through checked views."""

    def url(self, name):
        raise ValueError("personal documents have no public URL; serve them through a view")


def private_storage() -> FileSystemStorage:
    """Return the storage for personal documents (a callable, so settings apply at runtime)."""
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)


class RandomName:
    """An `upload_to` that keeps only the extension: 'claims/2026/11/<uuid>.jpg'.

    The uploaded name may hold a person's name or ID number, so it is not kept in the path.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()[:10]
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    def deconstruct(self):
        return ("portal.community.storage.RandomName", (self.folder,), {})


# Only photos and PDFs open in the browser; anything else downloads, so an uploaded HTML
# file can never run in the site's origin.
INLINE_TYPES = frozenset({"jpg", "jpeg", "png", "gif", "webp", "pdf"})


def private_file_response(field_file, *, filename: str | None = None):
    """Return a FileResponse for a private file (after the caller checked permission).

    Raise Http404 when there is no file or it is missing on disk.
    """
    from django.http import FileResponse, Http404

    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    filename = filename or field_file.name.rsplit("/", 1)[-1]
    inline = filename.lower().rsplit(".", 1)[-1] in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
