"""Masking of personal information for display to others (PIPL): 王*芳, 138****8000."""

from __future__ import annotations

from typing import Any


def mask_name(name: str) -> str:
    """Return the name with its middle hidden: 王芳 → 王*, 王小芳 → 王*芳, 欧阳小芳 → 欧**芳."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """Return a mobile number with its middle four digits hidden: +8613800138000 → 138****8000."""
    digits = (phone or "").removeprefix("+86")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_id_last4(last4: str) -> str:
    """Return the displayable tail of an ID-document number."""
    return f"****{last4}" if last4 else ""


def name_shown_to(person: Any, viewer: Any) -> str:
    """Return a person's name as `viewer` sees it: their own in full, anyone else's masked.

    Masking protects a person from others (PIPL); hiding one's own name from oneself only
    makes people wonder whose account they are in.
    """
    if person is None:
        return ""
    if getattr(viewer, "pk", None) is not None and person.pk == viewer.pk:
        return person.display_name or mask_phone(person.phone or "")
    return person.masked_name
