"""No template compares a state, status or phase to a string: a renamed state would then silently
change what a page shows. Templates ask the model (`page.is_open`, `post.is_hidden`,
`thread.awaits_resolution`, `status.is_missed`), where the choices enum is compared once."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "templates"

# `x.state == "open"`, `status != 'late'`, `x.read_state in "a b"`, and the literal first.
NAME = r"[\w.]*(?:state|status|phase)\b"
LITERAL = r"""(?:"[^"]*"|'[^']*')"""
COMPARISON = re.compile(
    rf"{NAME}\s*(?:==|!=|\bnot in\b|\bin\b)\s*{LITERAL}|{LITERAL}\s*(?:==|!=)\s*{NAME}"
)


def _comparisons(text: str) -> list[str]:
    found = []
    for tag in re.findall(r"{%\s*(?:if|elif)\b(.*?)%}", text, re.S):
        found += COMPARISON.findall(tag)
    return found


def test_the_check_finds_each_way_of_comparing():
    for template in (
        '{% if page.state == "open" %}',
        "{% elif meeting.state != 'held' %}",
        '{% if thread.state in "pending in_progress" %}',
        '{% if "closed" == thread.state %}',
        '{% if notice.read_state == "read" %}',
        '{% if status == "late" %}',
        '{% elif phase != "closed" %}',
    ):
        assert _comparisons(template), template
    for template in (
        "{% if page.is_open %}",
        '{% if thread.kind == "issue" and thread.awaits_resolution %}',
        '<span data-state="{{ item.state }}">',
    ):
        assert not _comparisons(template), template


def test_no_template_compares_a_state_or_status_to_a_string():
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := _comparisons(path.read_text()))
    }
    assert offenders == {}
