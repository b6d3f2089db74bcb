"""Every page's <title> names the site once, whatever the page's own title says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from themes.templatetags.gongzhi import site_title


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("阳光街道 · 共治", "阳光街道 · 共治"),  # the demo district's title names the site already
        ("", "共治"),  # a page without a title of its own
        ("投票 · 锦绣花园 · 锦绣花园", "投票 · 锦绣花园 · 共治"),
        ("  发起讨论 ·  锦绣花园 ", "发起讨论 · 锦绣花园 · 共治"),
    ],
)
def test_the_site_name_ends_the_title_once(title, shown):
    with translation.override("zh-hans"):
        assert site_title(title) == shown


@pytest.mark.django_db
def test_the_district_home_page_title_does_not_repeat_the_site_name(client, estate_a):
    from portal.home.models import HomePage

    home = HomePage.objects.get()
    home.title = "阳光街道 · 共治"
    home.save_revision().publish()
    html = client.get("/").content.decode()
    [title] = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert title == "阳光街道 · 共治"


@pytest.mark.django_db
def test_the_favicon_is_served_and_every_page_names_it(client, estate_a):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon_url = response["Location"]
    assert icon_url.startswith("/static/") and icon_url.endswith(".ico")
    path = finders.find("favicon.ico")
    assert path and Path(path).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{icon_url}"' in html
    assert finders.find("apple-touch-icon.png")
