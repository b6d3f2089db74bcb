"""Anonymous readers of public pages are served from a short cache; members never are."""

from __future__ import annotations

from portal.home.models import StandardPage


def _public_page(estate):
    page = StandardPage(title="小区简介", slug="about", body=[("paragraph", "<p>初版简介</p>")])
    estate.page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_second_anonymous_visit_is_served_from_the_cache(client, estate_a):
    page = _public_page(estate_a)
    first = client.get(page.url)
    second = client.get(page.url)
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first and second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_a_new_revision_shows_at_once(client, estate_a):
    page = _public_page(estate_a)
    client.get(page.url)
    page.body = [("paragraph", "<p>修订后的简介</p>")]
    page.save_revision().publish()
    assert "修订后的简介" in client.get(page.url).content.decode()


def test_signed_in_members_are_never_served_from_the_cache(client, estate_a, owner):
    page = _public_page(estate_a)
    client.get(page.url)
    client.force_login(owner)
    response = client.get(page.url)
    assert "X-Page-Cache" not in response
    assert owner.display_name in response.content.decode()


def test_cached_pages_carry_no_csrf_token(client, estate_a):
    page = _public_page(estate_a)
    assert "csrfmiddlewaretoken" not in client.get(page.url).content.decode()
