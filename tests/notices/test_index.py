"""The notice index: order, filters, visibility in the query, read state, a fixed query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.notices import actions
from portal.notices.models import NoticePage
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]+">([^<]+)</a>\s*<div class="muted notice-meta">', html)


def _bulk_notices(index, count: int, **fields) -> None:
    for n in range(count):
        make_notice(
            index,
            title=f"公告{n:03d}",
            requires_acknowledgement=n % 2 == 0,
            visibility=["public", "members", "owners"][n % 3],
            buildings=("3栋",) if n % 4 == 0 else (),
            **fields,
        )


# Routing (one query per path level), session, roles, the estate navigation, the header's
# unread count and the list itself; the count must not grow with the number of notices.
INDEX_QUERY_BOUND = 27


@pytest.mark.parametrize("count", [5, 50])
def test_logged_in_index_runs_a_fixed_number_of_queries(
    client, notice_index, owner, count, django_assert_max_num_queries
):
    _bulk_notices(notice_index, count)
    client.force_login(owner)
    # Routing, session, roles, estate navigation and the list itself: the same at 5 and 50.
    with django_assert_max_num_queries(INDEX_QUERY_BOUND):
        response = client.get(notice_index.url)
    assert response.status_code == 200
    assert len(response.context["notices"]) == min(count, notice_index.per_page)


def test_index_query_count_does_not_grow_with_notices(client, notice_index, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    _bulk_notices(notice_index, 3)
    client.get(notice_index.url)  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as few:
        client.get(notice_index.url)
    _bulk_notices(notice_index, 30)
    client.get(notice_index.url)  # publishing moved the page tree on: routes are found afresh
    with CaptureQueriesContext(connection) as many:
        client.get(notice_index.url)
    assert len(many) == len(few)


def test_pinned_notices_come_first_then_newest(client, notice_index, owner):
    make_notice(notice_index, title="较早的公告")
    make_notice(notice_index, title="置顶的公告", pinned=True)
    make_notice(notice_index, title="最新的公告")
    # Published a moment apart: order by first_published_at, newest first after pinned.
    NoticePage.objects.filter(title="较早的公告").update(
        first_published_at=timezone.now() - timedelta(days=2)
    )
    client.force_login(owner)
    titles = _titles(client.get(notice_index.url).content.decode())
    assert titles == ["置顶的公告", "最新的公告", "较早的公告"]


def test_members_only_notices_are_invisible_to_others(client, notice_index, owner, outsider):
    make_notice(notice_index, title="公开的公告")
    make_notice(notice_index, title="成员可见的公告", visibility="members")
    make_notice(notice_index, title="业主可见的公告", visibility="owners")
    assert _titles(client.get(notice_index.url).content.decode()) == ["公开的公告"]
    client.force_login(outsider)
    assert _titles(client.get(notice_index.url).content.decode()) == ["公开的公告"]
    client.force_login(owner)
    assert set(_titles(client.get(notice_index.url).content.decode())) == {
        "公开的公告",
        "成员可见的公告",
        "业主可见的公告",
    }


def test_tenant_does_not_see_owners_only_notices(client, notice_index, tenant):
    make_notice(notice_index, title="成员可见的公告", visibility="members")
    make_notice(notice_index, title="业主可见的公告", visibility="owners")
    client.force_login(tenant)
    assert _titles(client.get(notice_index.url).content.decode()) == ["成员可见的公告"]


def test_filters_by_category_issuer_and_time_state(client, notice_index, owner):
    now = timezone.now()
    make_notice(notice_index, title="即将停水", effective_from=now + timedelta(days=2))
    make_notice(notice_index, title="业委会会议通知", category="meeting", issuer="committee")
    old = make_notice(notice_index, title="上月费用公示", category="fees", min_display_days=3)
    NoticePage.objects.filter(pk=old.pk).update(listed_until=now - timedelta(days=1))
    client.force_login(owner)

    def titles(query: str) -> set[str]:
        return set(_titles(client.get(notice_index.url + query).content.decode()))

    assert titles("?category=meeting") == {"业委会会议通知"}
    assert titles("?issuer=committee") == {"业委会会议通知"}
    assert titles("?state=upcoming") == {"即将停水"}
    assert titles("?state=current") == {"业委会会议通知"}
    assert titles("?state=expired") == {"上月费用公示"}
    assert titles("?state=nonsense") == {"即将停水", "业委会会议通知", "上月费用公示"}


def test_reader_sees_their_own_read_state(client, notice_index, owner, owner_building1):
    read = make_notice(notice_index, title="已读的公告", requires_acknowledgement=True)
    make_notice(notice_index, title="待确认的公告", requires_acknowledgement=True)
    make_notice(notice_index, title="1栋的公告", requires_acknowledgement=True, buildings=("1栋",))
    actions.acknowledge(read, owner)
    client.force_login(owner)
    html = client.get(notice_index.url).content.decode()
    items = {}
    for block in re.findall(r'<li class="notice-item[^"]*">(.*?)</li>', html, re.S):
        items[re.search(r'<a href="[^"]+">([^<]+)</a>', block).group(1)] = block
    assert "已阅" in items["已读的公告"]
    assert "待确认" in items["待确认的公告"]
    assert "待确认" not in items["1栋的公告"] and "已阅" not in items["1栋的公告"]


def test_pagination_keeps_the_filters(client, monkeypatch, notice_index, owner):
    from portal.notices.models import NoticeIndexPage

    monkeypatch.setattr(NoticeIndexPage, "per_page", 2)
    for n in range(3):
        make_notice(notice_index, title=f"会议通知{n}", category="meeting")
    client.force_login(owner)
    html = client.get(notice_index.url + "?category=meeting").content.decode()
    assert "?category=meeting&amp;page=2" in html
    assert "第 1 / 2 页" in html
