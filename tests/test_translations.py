"""Chinese first, English second: every message has a translation in both catalogues.

The source strings (msgids) are Chinese. The zh_Hans catalogue carries them too, so a
missing entry in either language is caught here, as is a catalogue that lags the code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_Hans", "en")
# Every app in INSTALLED_APPS that lives in this repository (makemessages loads them all).
SOURCE_DIRS = (
    "portal",
    "consultations",
    "voting",
    "search",
    "deliberation",
    "themes",
    "demo",
    "proposals",
    "disclosures",
)


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalogue = _catalogue(language)
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert fuzzy == [], f"{language}: fuzzy entries {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    po = _catalogue(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    stale = [
        entry.msgid
        for entry in po
        if entry.translated()
        and not entry.msgid_plural
        and compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]
    assert stale == [], f"{language}: run `make messages`; stale in .mo: {stale[:5]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_has_every_string_in_the_code(tmp_path):
    """Extract the messages afresh from a copy of the source and compare with the catalogue."""
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static")
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale/en/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in _catalogue("en") if not e.obsolete}
    assert sorted(fresh - committed) == [], (
        "strings missing from the catalogue: run `make messages`"
    )


def _wagtail_messages_without_chinese() -> set[str]:
    import os

    import wagtail

    base = Path(os.path.dirname(wagtail.__file__))
    missing: set[str] = set()
    for english in base.glob("**/locale/en/LC_MESSAGES/django.po"):
        chinese = Path(str(english).replace("/en/", "/zh_Hans/"))
        have = (
            {e.msgid for e in polib.pofile(str(chinese)) if e.translated()}
            if chinese.exists()
            else set()
        )
        missing |= {e.msgid for e in polib.pofile(str(english)) if not e.obsolete} - have
    return missing


def test_every_wagtail_admin_message_has_chinese():
    """Wagtail's zh_Hans catalogue lags its English one; locale_overrides fills the gap.

    Fails after a Wagtail upgrade that adds messages: translate them in
    locale_overrides/zh_Hans/LC_MESSAGES/django.po and compile it.
    """
    overrides = polib.pofile(str(ROOT / "locale_overrides/zh_Hans/LC_MESSAGES/django.po"))
    covered = {e.msgid for e in overrides if e.translated()}
    assert sorted(_wagtail_messages_without_chinese() - covered) == []


def test_the_admin_says_its_validation_errors_in_chinese():
    from django.utils import translation

    # Called through a name xgettext does not know, so `make messages` leaves it to Wagtail.
    wagtails_message = translation.gettext
    with translation.override("zh-hans"):
        message = wagtails_message("The page could not be created due to validation errors.")
    assert message == "由于存在验证错误，无法创建页面。"
