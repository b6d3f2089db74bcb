"""Validation of evidence attached to progress updates: a photo or a document."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deliberation.oversight.choices import EvidenceKind

MAX_BYTES = 10 * 1024 * 1024
PHOTO_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    # Office Open XML files are zip archives.
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
ACCEPT = ",".join(f".{ext}" for ext in (*PHOTO_SIGNATURES, *DOCUMENT_SIGNATURES))
# Served inline (in the browser) only for these; anything else downloads.
INLINE_TYPES = frozenset({"jpg", "jpeg", "png", "pdf"})


def extension_of(name: str) -> str:
    name = (name or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def validate_evidence(upload: Any) -> str:
    """Return the EvidenceKind of a valid upload; refuse a wrong type, size or content.

    Photos (JPG, PNG) are opened with Pillow, so a renamed file or a broken image is refused;
    documents (PDF, DOCX, XLSX) are checked by their leading bytes.
    """
    extension = extension_of(upload.name)
    signatures = PHOTO_SIGNATURES.get(extension) or DOCUMENT_SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError(
            _("佐证材料只能是照片（JPG、PNG）或文件（PDF、Word、Excel）。"), code="evidence_type"
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(_("佐证材料不能超过 10 MB。"), code="evidence_size")
    if upload.size == 0:
        raise ValidationError(_("上传的文件是空的。"), code="evidence_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    mismatch = ValidationError(
        _("文件内容与扩展名不符，请上传真实的照片或文件。"), code="evidence_content"
    )
    if not head.startswith(signatures):
        raise mismatch
    if extension in PHOTO_SIGNATURES:
        from PIL import Image

        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many kinds for a broken image
            raise mismatch from exc
        finally:
            upload.seek(0)
        return EvidenceKind.PHOTO
    return EvidenceKind.DOCUMENT
