"""Checks on text people send us, shared by every form, import and feed.

Control characters have no place in a name, a title or an opinion: PostgreSQL refuses NUL in
text, XML 1.0 (RSS, XLSX) refuses most of C0, and bidirectional overrides let a name display
as something else. portal.security refuses them in every request and the register import in
every cell, each with a message; output that must be XML drops them.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab, line feed and carriage return, and the bidirectional
# embedding/override/isolate characters (U+202A-U+202E, U+2066-U+2069).
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same, and tab/line breaks too: a single-line value (a name, a title) has none.
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Characters XML 1.0 cannot carry at all (RSS, Atom, XLSX).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too: Excel
# skips them and then sees the formula behind). Used by portal.spreadsheets and the imports.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Return whether the text holds a control or direction-override character.

    `multiline` allows tab and line breaks, for free text such as an opinion or a post.
    """
    pattern = _CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE
    return bool(pattern.search(text or ""))


def without_control_characters(text: str) -> str:
    """Return free text with its control and direction-override characters removed.

    Word's manual line break (vertical tab) and page break (form feed) become line feeds,
    so text pasted from it keeps its lines.
    """
    return _CONTROL_IN_TEXT.sub("", (text or "").replace("\x0b", "\n").replace("\x0c", "\n"))


def looks_like_formula(text: str) -> bool:
    """Return whether a spreadsheet would read the text as a formula."""
    return (text or "").startswith(FORMULA_TRIGGERS)


def xml_safe(text: str) -> str:
    """Return the text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text or "")
