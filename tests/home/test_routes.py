"""A page address's route is remembered, and a remembered route never leads anywhere stale.

The route is kept per page tree generation and used only while the page is still at that
address; whatever is left of the address is routed by the page itself, so sub-routes and
the liveness check stay as Wagtail decides them.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.home import routes
from portal.home.models import HomePage
from portal.notices.models import NoticeIndexPage, NoticePage
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


def _get(client, url) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries.captured_queries), response.content.decode()


@pytest.fixture
def notice(estate_a):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    return make_notice(index, title="5栋电梯更换施工公告", slug="lift-works")


def test_a_remembered_route_reads_the_page_at_once_and_shows_the_same(client, owner, notice):
    client.force_login(owner)
    client.get(notice.url)  # everything else a first request fills in
    components = [c for c in notice.url.split("/") if c]
    cache.delete(routes._key(HomePage.objects.get(), components))
    first_status, walked, first = _get(client, notice.url)
    second_status, remembered, second = _get(client, notice.url)
    assert first_status == second_status == 200
    assert "5栋电梯更换施工公告" in second
    # Two statements a level below the home page (estate, section, notice) become one.
    assert remembered <= walked - 5, f"{walked} statements walking, {remembered} remembered"
    assert first.count("5栋电梯更换施工公告") == second.count("5栋电梯更换施工公告")


def test_an_unpublished_page_is_not_reached_by_its_remembered_route(client, owner, notice):
    client.force_login(owner)
    url = notice.url
    assert client.get(url).status_code == 200
    NoticePage.objects.get(pk=notice.pk).unpublish()
    assert client.get(url).status_code == 404


def test_a_renamed_page_leaves_its_old_address(client, owner, notice):
    client.force_login(owner)
    old_url = notice.url
    assert client.get(old_url).status_code == 200
    page = NoticePage.objects.get(pk=notice.pk)
    page.slug = "lift-replacement"
    page.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert client.get(NoticePage.objects.get(pk=notice.pk).url).status_code == 200


def test_a_route_remembered_across_a_change_the_generation_missed_is_not_used(
    client, owner, notice
):
    """Even a slug changed behind Wagtail's back (no publish signal) is not served stale."""
    client.force_login(owner)
    old_url = notice.url
    assert client.get(old_url).status_code == 200
    NoticePage.objects.filter(pk=notice.pk).update(
        slug="lift-replacement", url_path=notice.url_path.replace("lift-works", "lift-replacement")
    )
    assert client.get(old_url).status_code == 404


def test_what_is_left_of_the_address_is_routed_by_the_page(client, owner, notice):
    client.force_login(owner)
    client.get(notice.url)
    assert client.get(notice.url + "print/").status_code == 200
    assert client.get(notice.url + "print/").status_code == 200  # through the remembered route
    assert client.get(notice.url + "no-such-view/").status_code == 404
