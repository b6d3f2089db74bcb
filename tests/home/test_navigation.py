"""The estate navigation comes from a cache that every change to the page tree refreshes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

pytestmark = pytest.mark.django_db

SECTION_TABLES = (
    "notices_noticeindexpage",
    "consultations_consultationindexpage",
    "voting_assemblyindexpage",
    "knowledge_knowledgeindexpage",
)


def _section(estate, kind: str):
    return next(
        page.specific
        for page in Page.objects.child_of(estate.page)
        if page.specific_class._meta.model_name == kind
    )


def _nav(html: str) -> str:
    return html[
        html.index('<nav class="estate-nav"') : html.index("</nav>", html.index("estate-nav"))
    ]


def test_the_estate_navigation_links_every_section_and_marks_the_current_one(
    client, estate_a, owner
):
    client.force_login(owner)
    notices = _section(estate_a, "noticeindexpage")
    nav = _nav(client.get(notices.url).content.decode())
    for kind in ("noticeindexpage", "consultationindexpage", "assemblyindexpage"):
        assert f'href="{_section(estate_a, kind).url}"' in nav
    assert f'href="{_section(estate_a, "knowledgeindexpage").url}"' in nav
    assert f'<a href="{notices.url}" aria-current="page">' in nav
    assert nav.count('aria-current="page"') == 1


def test_a_page_of_the_estate_reads_no_section_index_for_its_navigation(client, estate_a, owner):
    client.force_login(owner)
    client.get(estate_a.page.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(estate_a.page.url)
    assert response.status_code == 200
    read = [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in SECTION_TABLES)
    ]
    assert read == []
    # The hub still shows a tile per section.
    assert response.content.decode().count('class="tile"') >= 4


def test_a_notice_published_deep_in_the_tree_leaves_the_navigation_cached(client, estate_a, owner):
    from portal.notices.models import NoticePage

    client.force_login(owner)
    client.get(estate_a.page.url)
    notice = NoticePage(title="停水通知", slug="water-off", summary="停水")
    _section(estate_a, "noticeindexpage").add_child(instance=notice)
    notice.save_revision().publish()
    with CaptureQueriesContext(connection) as queries:
        client.get(estate_a.page.url)
    read = [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in SECTION_TABLES)
    ]
    assert read == []


def test_a_moved_section_address_shows_at_once(client, estate_a, owner):
    client.force_login(owner)
    knowledge = _section(estate_a, "knowledgeindexpage")
    client.get(estate_a.page.url)
    knowledge.slug = "guides"
    knowledge.save_revision().publish()
    nav = _nav(client.get(estate_a.page.url).content.decode())
    assert f'href="{estate_a.page.url}guides/"' in nav
    assert f'href="{estate_a.page.url}knowledge/"' not in nav


def test_an_unpublished_section_leaves_the_navigation_at_once(client, estate_a, owner):
    client.force_login(owner)
    consultations = _section(estate_a, "consultationindexpage")
    url = consultations.url
    assert f'href="{url}"' in _nav(client.get(estate_a.page.url).content.decode())
    consultations.unpublish()
    html = client.get(estate_a.page.url).content.decode()
    assert f'href="{url}"' not in html


def test_the_navigation_follows_the_readers_language(client, estate_a, owner):
    from django.conf import settings

    client.force_login(owner)
    assert "知识库" in _nav(client.get(estate_a.page.url).content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    nav = _nav(client.get(estate_a.page.url).content.decode())
    assert "知识库" not in nav and "公告" not in nav


def test_one_estates_navigation_is_never_shown_on_anothers_pages(client, estate_a, estate_b, owner):
    client.force_login(owner)
    client.get(estate_a.page.url)
    nav_b = _nav(client.get(_section(estate_b, "noticeindexpage").url).content.decode())
    assert estate_b.page.url in nav_b and estate_a.page.url not in nav_b


def test_the_editors_userbar_follows_a_change_of_roles(client, estate_a, owner):
    from portal.community import actions
    from portal.community.choices import RoleKind

    client.force_login(owner)
    assert "wagtail-userbar" not in client.get(estate_a.page.url).content.decode()
    actions.grant_role(owner, RoleKind.COMMITTEE_MEMBER, estate=estate_a)
    html = client.get(estate_a.page.url).content.decode()
    assert "wagtail-userbar" in html and 'data-testid="admin-link"' in html


def test_a_hidden_post_leaves_the_estates_pages_at_once(
    client, estate_a, owner, owner_building1, moderator
):
    from django.urls import reverse

    from deliberation import actions
    from deliberation.choices import ThreadKind

    thread = actions.start_thread(
        estate_a, owner, kind=ThreadKind.TOPIC, title="南门快递柜", body="建议增设快递柜。"
    )
    leak = actions.add_post(thread, owner, body="物业经理就是个骗子，大家别信他")
    url = reverse("deliberation:thread_detail", args=[estate_a.slug, thread.pk])
    client.force_login(owner_building1)
    client.get(estate_a.page.url)
    assert "大家别信他" in client.get(url).content.decode()
    actions.hide_post(leak, moderator, reason="abuse")
    assert "大家别信他" not in client.get(url).content.decode()
