"""Share cards: the Open Graph tags a chat app reads, and nothing a fetcher may not see."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from portal.community.choices import Visibility
from portal.notices.models import NoticeIndexPage
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_index(estate_a) -> NoticeIndexPage:
    return NoticeIndexPage.objects.descendant_of(estate_a.page).get()


SUMMARY = "11月28日 9:00-17:00 因管道维修暂停供水，请提前储水。"


def og(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="og:([a-z:_]+)" content="([^"]*)"', html))


def test_a_public_notice_shares_its_title_summary_image_and_address(client, notice_index):
    notice = make_notice(notice_index, title="3栋停水通知", summary=SUMMARY)

    card = og(client.get(notice.url).content.decode())

    assert card["title"] == "3栋停水通知"
    assert card["description"] == SUMMARY
    assert card["url"] == notice.get_full_url()
    assert card["image"].endswith("/static/img/share-card.png")
    assert card["image"].startswith("http")
    assert card["site_name"] == "共治"


def test_the_search_description_wins_over_the_summary(client, notice_index):
    notice = make_notice(
        notice_index, summary=SUMMARY, search_description="3栋明天停水，请提前储水"
    )

    assert og(client.get(notice.url).content.decode())["description"] == "3栋明天停水，请提前储水"


def test_a_members_only_notice_fetched_anonymously_leaks_nothing(client, notice_index):
    notice = make_notice(
        notice_index,
        title="业委会内部：物业费调价方案",
        summary="拟上调物业费 0.3 元",
        visibility=Visibility.MEMBERS,
    )

    html = client.get(notice.url, follow=True).content.decode()

    assert "物业费调价" not in html
    assert "0.3 元" not in html


def test_the_card_of_a_page_the_reader_cannot_see_shows_only_the_site_name(notice_index):
    # Defence in depth: even a template that rendered the page for an outsider gives no words.
    notice = make_notice(
        notice_index,
        title="业委会内部：物业费调价方案",
        summary="拟上调物业费 0.3 元",
        visibility=Visibility.MEMBERS,
    )
    request = RequestFactory().get(notice.url)
    request.user = AnonymousUser()

    html = Template("{% load gongzhi %}{% share_card %}").render(
        Context({"request": request, "page": notice})
    )

    card = og(html)
    assert card["title"] == "共治"
    assert "description" not in card
    assert "物业费" not in html


def test_a_member_sees_the_members_only_card(client, notice_index, owner):
    notice = make_notice(
        notice_index,
        title="业委会内部：物业费调价方案",
        summary="拟上调物业费 0.3 元",
        visibility=Visibility.MEMBERS,
    )
    client.force_login(owner)

    assert og(client.get(notice.url).content.decode())["title"] == "业委会内部：物业费调价方案"


def test_pages_that_are_not_wagtail_pages_share_the_site(client):
    card = og(client.get("/accounts/login/").content.decode())

    assert card["title"] == "共治"
    assert card["description"]
    assert card["url"] == "http://testserver/accounts/login/"
