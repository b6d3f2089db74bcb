"""The search page at /search/ and the box in the header."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.community.choices import Visibility
from tests.search.conftest import make_article, make_notice

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


@pytest.fixture
def content(estate_a, estate_b, knowledge_a, rebuild_index):
    make_notice(estate_a, "3号楼电梯维修通知", summary="2号电梯停运维修")
    make_notice(estate_a, "3栋临时停水通知", summary="水箱清洗")
    make_notice(estate_a, "业委会内部电梯台账", visibility=Visibility.MEMBERS)
    make_article(knowledge_a, "电梯维修与更新", body="费用从维修资金列支")
    make_notice(estate_b, "翠湖苑电梯年检通知")
    rebuild_index()


def test_every_page_has_the_search_box_in_its_header(client, content):
    html = client.get("/").content.decode()
    assert f'action="{URL}"' in html and 'name="q"' in html and 'role="search"' in html


def test_results_are_highlighted_with_type_facets_and_counts(client, content):
    response = client.get(URL, {"q": "电梯"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3号楼<mark>电梯</mark>维修通知" in html
    assert 'data-facet="notice">公告 <span class="facet-count">2</span>' in html
    assert 'data-facet="knowledge">知识库 <span class="facet-count">1</span>' in html
    assert "业委会内部<mark>电梯</mark>台账" not in html and "台账" not in html


def test_a_member_finds_members_content(client, content, owner):
    client.force_login(owner)
    assert "业委会内部<mark>电梯</mark>台账" in client.get(URL, {"q": "电梯"}).content.decode()


def test_type_filter_keeps_the_query(client, content):
    html = client.get(URL, {"q": "电梯", "type": "knowledge"}).content.decode()
    assert "<mark>电梯</mark>维修与更新" in html and "3号楼<mark>电梯</mark>" not in html
    assert 'aria-current="true" data-facet="knowledge"' in html


def test_estate_filter_lists_only_estates_with_results(client, content, estate_a, estate_b):
    html = client.get(URL, {"q": "电梯", "estate": estate_b.pk}).content.decode()
    assert "翠湖苑<mark>电梯</mark>年检通知" in html and "3号楼<mark>电梯</mark>" not in html
    assert f'<option value="{estate_a.pk}">锦绣花园（2）</option>' in html
    assert f'<option value="{estate_b.pk}" selected>翠湖苑（1）</option>' in html


def test_bad_parameters_are_ignored(client, content):
    response = client.get(
        URL, {"q": "电梯", "type": "bogus", "estate": "x'1", "page": "-3", "sort": "evil"}
    )
    assert response.status_code == 200
    assert "3号楼<mark>电梯</mark>维修通知" in response.content.decode()


def test_the_query_is_escaped_everywhere(client, content):
    html = client.get(URL, {"q": '<script>alert("x")</script>电梯'}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_the_relaxed_retry_is_announced(client, content):
    html = client.get(URL, {"q": "停水 游泳池"}).content.decode()
    assert "3栋临时<mark>停水</mark>通知" in html
    assert "没有同时包含所有关键词的结果" in html


def test_a_helpful_empty_state(client, content):
    html = client.get(URL, {"q": "游泳池"}).content.decode()
    assert "没有找到与“游泳池”相关的内容" in html
    assert "登录后可以搜到更多" in html
    assert "?q=%E7%BB%B4%E4%BF%AE%E8%B5%84%E9%87%91" in html  # the 维修资金 suggestion


def test_no_query_shows_suggestions(client, content):
    html = client.get(URL).content.decode()
    assert "大家常搜" in html and "search-results" not in html


def test_pagination_links_keep_the_query(client, estate_a, rebuild_index):
    for n in range(12):
        make_notice(estate_a, f"第{n + 1}期电梯维保记录")
    rebuild_index()
    html = client.get(URL, {"q": "电梯", "type": "notice"}).content.decode()
    assert "第 1 / 2 页" in html
    assert 'href="?q=%E7%94%B5%E6%A2%AF&amp;type=notice&amp;page=2"' in html


def test_the_page_runs_a_fixed_number_of_queries(
    client, content, owner, estate_a, django_assert_max_num_queries
):
    for n in range(8):
        make_notice(estate_a, f"第{n + 1}期电梯维保记录")
    from search.index import rebuild

    rebuild()
    client.force_login(owner)
    client.get(URL, {"q": "电梯"})  # warm the session and the role cache paths
    with django_assert_max_num_queries(22):
        response = client.get(URL, {"q": "电梯"})
    assert response.content.decode().count('class="search-result"') == 10
