"""Catalogue upkeep for `make messages`.

The source strings are Chinese, so the zh_Hans catalogue is the identity: this fills every
empty zh_Hans msgstr with its msgid (and clears "fuzzy"), leaving real edits alone. English
entries are translated by people; tests/test_translations.py fails while any is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def fill_chinese_identity(path: Path = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po") -> int:
    """Return the number of zh_Hans entries filled with their own msgid."""
    catalogue = polib.pofile(str(path))
    filled = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid_plural or entry.msgid}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
            filled += 1
    catalogue.save()
    return filled


def untranslated(language: str) -> list[str]:
    catalogue = polib.pofile(str(ROOT / f"locale/{language}/LC_MESSAGES/django.po"))
    return [
        e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]


if __name__ == "__main__":
    print(f"zh_Hans: filled {fill_chinese_identity()} entries")
    missing = untranslated("en")
    print(f"en: {len(missing)} entries still need an English translation")
    sys.exit(0)
