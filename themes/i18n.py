"""Catalogue upkeep for `make messages`.

The source strings are Chinese, so the zh_Hans catalogue is the identity: this fills every
empty zh_Hans msgstr with its msgid (and clears "fuzzy"), leaving real edits alone. English
entries are translated by people; tests/test_translations.py fails while any is missing.

Work done on a branch carries its English as a pending file instead of edited catalogues, so
parallel branches never conflict in the .po files:

    python -m themes.i18n --missing locale/pending/<branch>.json   # after `make messages`
    (fill in the English values, `git checkout locale/`, commit the JSON)
    python -m themes.i18n --apply locale/pending/*.json             # on main, after merging
"""

from __future__ import annotations

import argparse
import json
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


def write_missing(path: Path) -> int:
    """Write the untranslated English entries as JSON to fill in: msgid → "" (or ["", ""])."""
    catalogue = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    pending = {}
    for e in catalogue:
        if e.obsolete or (e.translated() and "fuzzy" not in e.flags):
            continue
        pending[e.msgid] = ["", ""] if e.msgid_plural else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pending, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(pending)


def apply_pending(paths: list[Path]) -> int:
    """Fill untranslated or fuzzy English entries from pending JSON files; return the count."""
    translations: dict[str, str | list[str]] = {}
    for path in paths:
        translations.update(json.loads(path.read_text(encoding="utf-8")))
    catalogue = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    applied = 0
    for e in catalogue:
        value = translations.get(e.msgid)
        if e.obsolete or not value or (e.translated() and "fuzzy" not in e.flags):
            continue
        if e.msgid_plural and isinstance(value, list) and all(value):
            e.msgstr_plural = dict(enumerate(value))
        elif not e.msgid_plural and isinstance(value, str):
            e.msgstr = value
        else:
            continue
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
        applied += 1
    catalogue.save()
    return applied


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", type=Path, help="write the untranslated English entries")
    parser.add_argument("--apply", type=Path, nargs="+", help="apply pending translations")
    args = parser.parse_args()
    if args.missing:
        print(f"en: wrote {write_missing(args.missing)} entries to fill in {args.missing}")
        sys.exit(0)
    if args.apply:
        print(f"en: applied {apply_pending(args.apply)} pending translations")
    print(f"zh_Hans: filled {fill_chinese_identity()} entries")
    missing = untranslated("en")
    print(f"en: {len(missing)} entries still need an English translation")
    sys.exit(0)
