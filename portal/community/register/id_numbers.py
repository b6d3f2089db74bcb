"""Check a mainland resident identity number (居民身份证号码) under GB 11643-1999.

An 18-character number is 17 digits (address code, birth date, sequence) and a check character
computed from them (ISO 7064 MOD 11-2); a typo in any digit changes it. The register accepts
other documents too (passports, permits, the old 15-digit card), so only numbers in the
18-character resident format are held to the check.
"""

from __future__ import annotations

import re
from datetime import date

_RESIDENT_RE = re.compile(r"^\d{17}[\dX]$")
# 17 digits and one more character: meant as a resident number, whatever its last character.
_RESIDENT_SHAPE_RE = re.compile(r"^\d{17}[0-9A-Z]$")
_WHITESPACE_RE = re.compile(r"[\s\u3000]+")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


def normalize_id_number(id_number: str) -> str:
    """Return the number as the register keeps and hashes it: no spaces (full-width ones
    included), letters upper-case. Every way a number enters the register goes through this,
    or one person's number would hash two ways and count as two heads."""
    return _WHITESPACE_RE.sub("", id_number or "").upper()


def fails_resident_check(id_number: str) -> bool:
    """Return whether a (normalized) number is shaped as a resident number but is not one."""
    return bool(_RESIDENT_SHAPE_RE.match(id_number)) and not is_valid_resident_id(id_number)


def looks_like_resident_id(id_number: str) -> bool:
    """Return whether the text has the shape of an 18-character resident identity number."""
    return bool(_RESIDENT_RE.match(id_number))


def check_character(first_17_digits: str) -> str:
    """Return the GB 11643 check character (0-9 or X) of the first 17 digits."""
    if len(first_17_digits) != 17 or not first_17_digits.isdigit():
        raise ValueError("17 digits expected")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, _WEIGHTS, strict=True)
    )
    return _CHECK_CHARACTERS[total % 11]


def is_valid_resident_id(id_number: str) -> bool:
    """Return whether an 18-character resident ID has a real birth date and the right check."""
    if not looks_like_resident_id(id_number):
        return False
    try:
        date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return False
    return check_character(id_number[:17]) == id_number[17]
