"""Generic source links: an action item points at a notice page or an assembly page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deliberation.oversight import references
from portal.community.choices import Visibility
from portal.notices.models import NoticeIndexPage
from tests.notices.conftest import make_notice
from tests.oversight.conftest import make_item
from tests.voting.conftest import make_assembly


@pytest.fixture
def notice(estate_a):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    return make_notice(index, title="关于3栋屋顶漏水维修的通知")


@pytest.fixture
def assembly(estate_a):
    now = timezone.now()
    return make_assembly(
        estate_a,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        title="2026年第一次业主大会会议",
    )


def test_an_item_from_a_notice_links_to_the_notice_page(
    client, estate_a, notice, committee_chair, owner
):
    item = make_item(estate_a, committee_chair, source=notice)
    assert item.source_label == "关于3栋屋顶漏水维修的通知"
    client.force_login(owner)
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{notice.url}"' in html
    assert "关于3栋屋顶漏水维修的通知" in html


def test_an_item_from_an_assembly_links_to_the_assembly_page(
    client, estate_a, assembly, committee_chair, owner
):
    item = make_item(estate_a, committee_chair, source=assembly, party="committee")
    client.force_login(owner)
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{assembly.url}"' in html
    assert "2026年第一次业主大会会议" in html


def test_a_pasted_page_url_becomes_the_source(client, estate_a, assembly, committee_chair):
    client.force_login(committee_chair)
    response = client.post(
        reverse("oversight:item_new", args=(estate_a.slug,)),
        {
            "title": "落实业主大会决议：更换3栋电梯",
            "responsible_party": "property",
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "source_link": f"http://testserver{assembly.url}",
        },
    )
    assert response.status_code == 302
    item = estate_a.action_items.get()
    assert item.source == assembly


def test_a_page_of_another_estate_cannot_be_a_source(estate_a, estate_b, committee_chair):
    index_b = NoticeIndexPage.objects.descendant_of(estate_b.page).get()
    other = make_notice(index_b, title="翠湖苑停水通知")
    with pytest.raises(ValidationError, match="本小区"):
        references.from_url(other.url, estate=estate_a)
    with pytest.raises(ValidationError, match="本小区"):
        make_item(estate_a, committee_chair, source=other)


def test_an_unknown_url_is_refused_as_a_source(client, estate_a, committee_chair):
    client.force_login(committee_chair)
    response = client.post(
        reverse("oversight:item_new", args=(estate_a.slug,)),
        {
            "title": "事项",
            "responsible_party": "property",
            "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "source_link": "/jinxiu/no-such-page/",
        },
    )
    assert response.status_code == 200
    assert "找不到该链接对应的本小区内容" in response.content.decode()


def test_the_title_of_an_owners_only_source_is_hidden_from_a_tenant(
    client, estate_a, committee_chair, tenant, owner
):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    private = make_notice(index, title="维修资金使用明细（业主可见）", visibility=Visibility.OWNERS)
    item = make_item(estate_a, committee_chair, source=private)
    client.force_login(tenant)
    assert "维修资金使用明细" not in client.get(item.get_absolute_url()).content.decode()
    client.force_login(owner)
    assert "维修资金使用明细" in client.get(item.get_absolute_url()).content.decode()
