"""The one sanitiser: a small allow-list, inert scripts, user-generated links."""

from __future__ import annotations

import pytest

from themes.sanitiser import clean_html, plain_text


def test_script_tags_are_stripped_and_their_text_kept_inert():
    cleaned = clean_html("物业请看<script>alert('x')</script>")
    assert "<script" not in cleaned
    assert cleaned.startswith("物业请看")


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">点我</a>',
        '<svg onload="alert(1)"></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<a href="https://x.example" onclick="alert(1)">x</a>',
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_hostile_markup_loses_every_active_part(payload):
    cleaned = clean_html(payload).lower()
    for active in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "style=",
    ):
        assert active not in cleaned


def test_allowed_markup_survives():
    assert clean_html("<p><strong>漏水</strong>已<em>修复</em></p>") == (
        "<p><strong>漏水</strong>已<em>修复</em></p>"
    )


def test_links_are_marked_user_generated_and_bare_urls_become_links():
    cleaned = clean_html(
        '见 <a href="https://gov.example/a" target="_blank">通知</a> 和 https://www.gov.cn/zhengce'
    )
    assert cleaned.count('rel="nofollow ugc noopener"') == 2
    assert "target" not in cleaned
    assert 'href="https://www.gov.cn/zhengce"' in cleaned


def test_plain_line_breaks_survive_as_breaks():
    assert clean_html("第一行\n第二行") == "第一行<br>第二行"


def test_plain_text_drops_all_markup():
    assert plain_text("<p>三号楼<b>漏水</b></p>") == "三号楼漏水"
