"""Check an uploaded scan (a signed proxy, a paper ballot, an objection's evidence) before it
is stored: JPG, PNG or PDF by content, at most 5 MB."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".pdf": (b"%PDF-",),
}


def validate_scan(scan: Any) -> None:
    """Refuse a scan that is not a JPG, PNG or PDF of at most 5 MB."""
    name = (getattr(scan, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SCAN_SIGNATURES:
        raise ValidationError(_("扫描件只能是 JPG、PNG 或 PDF 文件。"))
    if (getattr(scan, "size", 0) or 0) > SCAN_MAX_BYTES:
        raise ValidationError(_("扫描件不能超过 5 MB。"))
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    if not any(head.startswith(sig) for sig in SCAN_SIGNATURES[suffix]):
        raise ValidationError(_("扫描件内容与文件类型不符，请上传原始的 JPG、PNG 或 PDF 文件。"))
