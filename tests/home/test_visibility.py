"""Page visibility (public / members / verified owners) is enforced when a page is served."""

from __future__ import annotations

import pytest

from portal.community.choices import Visibility
from portal.home.models import StandardPage


def _page(estate, visibility, slug):
    page = StandardPage(
        title=f"{visibility} 页面",
        slug=slug,
        visibility=visibility,
        body=[("paragraph", "<p>仅供测试的正文。</p>")],
    )
    estate.page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def members_page(estate_a):
    return _page(estate_a, Visibility.MEMBERS, "contacts")


@pytest.fixture
def owners_page(estate_a):
    return _page(estate_a, Visibility.OWNERS, "fund-accounts")


def _get(client, user, page):
    if user is not None:
        client.force_login(user)
    return client.get(page.url)


def test_anonymous_reader_is_sent_to_login_for_a_members_page(client, members_page):
    response = client.get(members_page.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "owner",
        "tenant",
        "committee_member",
        "property_staff",
        "community_official",
        "subdistrict_official",
    ],
)
def test_members_and_officials_open_a_members_page(request, client, members_page, name):
    assert _get(client, request.getfixturevalue(name), members_page).status_code == 200


def test_outsider_gets_a_friendly_403_on_a_members_page(client, outsider, members_page):
    response = _get(client, outsider, members_page)
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_tenant_cannot_open_an_owners_only_page(client, tenant, owners_page):
    assert _get(client, tenant, owners_page).status_code == 403


@pytest.mark.parametrize(
    "name", ["owner", "committee_chair", "property_manager", "community_official"]
)
def test_owners_and_those_serving_them_open_an_owners_only_page(request, client, owners_page, name):
    assert _get(client, request.getfixturevalue(name), owners_page).status_code == 200


def test_a_members_only_estate_closes_every_page_inside_it(client, estate_a, outsider, owner):
    estate_a.page.visibility = Visibility.MEMBERS
    estate_a.page.save_revision().publish()
    public_inside = _page(estate_a, Visibility.PUBLIC, "about")
    assert _get(client, outsider, public_inside).status_code == 403
    client.logout()
    assert _get(client, owner, public_inside).status_code == 200


def test_section_listing_hides_what_the_reader_may_not_open(client, estate_a, outsider, owner):
    index = estate_a.page.section_pages["knowledgeindexpage"]
    for visibility, slug in ((Visibility.PUBLIC, "guide"), (Visibility.MEMBERS, "rules")):
        page = StandardPage(title=f"可见性 {visibility}", slug=slug, visibility=visibility)
        index.add_child(instance=page)
        page.save_revision().publish()
    client.force_login(outsider)
    body = client.get(index.url).content.decode()
    assert "可见性 public" in body and "可见性 members" not in body
    client.force_login(owner)
    body = client.get(index.url).content.decode()
    assert "可见性 public" in body and "可见性 members" in body


def test_estate_home_lists_only_the_pages_the_reader_may_open(
    client, estate_a, members_page, owner
):
    assert members_page.title not in client.get(estate_a.page.url).content.decode()
    client.force_login(owner)
    assert members_page.title in client.get(estate_a.page.url).content.decode()
