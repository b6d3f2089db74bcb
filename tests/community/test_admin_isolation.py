"""Acceptance: a committee member of estate A cannot open, edit or publish anything of estate B.

Wagtail refuses a page action the user lacks rights for by redirecting to the admin home
with an error message ("Sorry, you do not have permission to access this area."); the tests
assert exactly that, and that nothing of B changed.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from portal.home.models import StandardPage
from portal.notices.models import NoticeIndexPage

B_TITLE = "翠湖苑停水通知"


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    # The MFA gate for staff is tested with the accounts app; here it would only redirect.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


@pytest.fixture
def notices_a(estate_a) -> NoticeIndexPage:
    return NoticeIndexPage.objects.child_of(estate_a.page).get()


@pytest.fixture
def notices_b(estate_b) -> NoticeIndexPage:
    return NoticeIndexPage.objects.child_of(estate_b.page).get()


@pytest.fixture
def page_b(notices_b) -> StandardPage:
    page = notices_b.add_child(
        instance=StandardPage(title=B_TITLE, slug="tingshui", visibility="members")
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def chair_client(client, committee_chair):
    client.force_login(committee_chair)
    return client


def page_form(title: str, slug: str, *, publish: bool) -> dict:
    data = {"title": title, "slug": slug, "body": streamfield([]), "visibility": "public"}
    if publish:
        data["action-publish"] = "publish"
    return nested_form_data(data)


def assert_refused(response) -> None:
    """Assert Wagtail's refusal: a redirect to the admin home carrying an error message."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert ERROR in levels


# --- what the chair of A may do -------------------------------------------------------


def test_chair_of_a_opens_the_edit_view_of_a_notice_index(chair_client, notices_a):
    response = chair_client.get(f"/admin/pages/{notices_a.pk}/edit/")
    assert response.status_code == 200
    assert "公告" in response.content.decode()


def test_chair_of_a_publishes_a_standard_page_under_a(chair_client, notices_a):
    response = chair_client.post(
        f"/admin/pages/add/home/standardpage/{notices_a.pk}/",
        page_form("停车位调整公告", "tingche", publish=True),
    )
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="tingche")
    assert page.live
    assert page.get_parent().pk == notices_a.pk


# --- what the chair of A may not do to B ----------------------------------------------


def test_chair_of_a_cannot_open_the_edit_view_of_bs_page(chair_client, page_b):
    response = chair_client.get(f"/admin/pages/{page_b.pk}/edit/")
    assert_refused(response)
    assert B_TITLE not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{b}/add_subpage/",
        "/admin/pages/add/home/standardpage/{b}/",
    ],
)
def test_chair_of_a_cannot_add_a_subpage_under_b(chair_client, notices_b, url):
    assert_refused(chair_client.get(url.format(b=notices_b.pk)))
    response = chair_client.post(
        f"/admin/pages/add/home/standardpage/{notices_b.pk}/",
        page_form("冒名公告", "maoming", publish=True),
    )
    assert_refused(response)
    assert not StandardPage.objects.filter(slug="maoming").exists()


def test_chair_of_a_cannot_publish_bs_page(chair_client, page_b):
    response = chair_client.post(
        f"/admin/pages/{page_b.pk}/edit/", page_form("已被篡改", "tingshui", publish=True)
    )
    assert_refused(response)
    page_b.refresh_from_db()
    assert page_b.title == B_TITLE
    assert not page_b.has_unpublished_changes


def test_chair_of_a_cannot_unpublish_bs_page(chair_client, page_b):
    assert_refused(chair_client.get(f"/admin/pages/{page_b.pk}/unpublish/"))
    assert_refused(chair_client.post(f"/admin/pages/{page_b.pk}/unpublish/"))
    page_b.refresh_from_db()
    assert page_b.live


def test_chair_of_a_cannot_delete_bs_page(chair_client, page_b):
    assert_refused(chair_client.get(f"/admin/pages/{page_b.pk}/delete/"))
    assert_refused(chair_client.post(f"/admin/pages/{page_b.pk}/delete/"))
    assert StandardPage.objects.filter(pk=page_b.pk).exists()


def test_chair_of_a_cannot_move_bs_page_into_a(chair_client, page_b, notices_a, notices_b):
    assert_refused(chair_client.get(f"/admin/pages/{page_b.pk}/move/"))
    # Wagtail's confirmation screen checks nothing on GET; the community hook refuses it.
    confirm = f"/admin/pages/{page_b.pk}/move/{notices_a.pk}/confirm/"
    response = chair_client.get(confirm)
    assert_refused(response)
    assert B_TITLE not in response.content.decode()
    assert_refused(chair_client.post(confirm))
    page_b.refresh_from_db()
    assert page_b.get_parent().pk == notices_b.pk


def test_chair_of_a_may_still_reach_the_move_confirmation_within_a(
    chair_client, notices_a, estate_a
):
    page = notices_a.add_child(instance=StandardPage(title="旧公告", slug="jiu"))
    knowledge_a = estate_a.page.get_children().get(slug="knowledge")
    response = chair_client.get(f"/admin/pages/{page.pk}/move/{knowledge_a.pk}/confirm/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "suffix",
    [
        "history/",
        "revisions/compare/earliest...latest/",
        "copy/",
        "privacy/",
        "view_draft/",
        "usage/",
    ],
)
def test_chair_of_a_cannot_open_bs_other_page_screens(chair_client, page_b, suffix):
    response = chair_client.get(f"/admin/pages/{page_b.pk}/{suffix}")
    assert_refused(response)


def test_bs_pages_are_absent_from_as_explorer(chair_client, estate_a, estate_b, page_b):
    # The explorer starts at A's hub; asking for B's hub sends the chair back there.
    response = chair_client.get("/admin/pages/")
    assert response["Location"] == f"/admin/pages/{estate_a.page.pk}/"
    response = chair_client.get(f"/admin/pages/{estate_b.page.pk}/")
    assert response["Location"] == f"/admin/pages/{estate_a.page.pk}/"
    listing = chair_client.get(f"/admin/pages/{estate_a.page.pk}/").content.decode()
    assert "公告" in listing
    assert "翠湖苑" not in listing


def test_bs_pages_are_absent_from_as_admin_search(chair_client, notices_a, notices_b):
    # Space-separated titles, so the plain database search backend matches both pages.
    notices_a.add_child(instance=StandardPage(title="锦绣花园 停水通知", slug="tingshui-a"))
    notices_b.add_child(instance=StandardPage(title="翠湖苑 停水通知", slug="tingshui-b"))
    content = chair_client.get("/admin/pages/search/", {"q": "停水通知"}).content.decode()
    assert "锦绣花园 停水通知" in content
    assert "翠湖苑 停水通知" not in content


def test_site_admin_search_finds_both_estates_pages(client, site_admin, notices_a, notices_b):
    notices_a.add_child(instance=StandardPage(title="锦绣花园 停水通知", slug="tingshui-a"))
    notices_b.add_child(instance=StandardPage(title="翠湖苑 停水通知", slug="tingshui-b"))
    client.force_login(site_admin)
    content = client.get("/admin/pages/search/", {"q": "停水通知"}).content.decode()
    assert "锦绣花园 停水通知" in content
    assert "翠湖苑 停水通知" in content


def test_bs_pages_are_absent_from_as_page_chooser(chair_client, notices_b, page_b):
    response = chair_client.get(f"/admin/choose-page/{notices_b.pk}/")
    assert B_TITLE not in json.loads(response.content)["html"]
    response = chair_client.get("/admin/choose-page/search/", {"q": "停水"})
    assert B_TITLE not in response.content.decode()


def test_site_admin_still_sees_bs_pages_in_the_chooser(client, site_admin, notices_b, page_b):
    client.force_login(site_admin)
    response = client.get(f"/admin/choose-page/{notices_b.pk}/")
    assert B_TITLE in json.loads(response.content)["html"]


# --- members, owners ----------------------------------------------------------------------


def test_committee_member_drafts_but_cannot_publish(client, committee_member, notices_a):
    client.force_login(committee_member)
    response = client.post(
        f"/admin/pages/add/home/standardpage/{notices_a.pk}/",
        page_form("绿化改造征询", "lvhua", publish=True),
    )
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="lvhua")
    # Wagtail saves the draft but does not publish for a user without publish_page.
    assert not page.live
    assert not page.permissions_for_user(committee_member).can_publish()
    response = client.post(
        f"/admin/pages/{page.pk}/edit/", page_form("绿化改造征询（修订）", "lvhua", publish=False)
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "绿化改造征询（修订）"
    assert not page.live


def test_committee_member_of_a_cannot_open_bs_page(client, committee_member, page_b):
    client.force_login(committee_member)
    assert_refused(client.get(f"/admin/pages/{page_b.pk}/edit/"))


def test_property_staff_of_a_cannot_open_bs_page(client, property_staff, page_b):
    client.force_login(property_staff)
    assert_refused(client.get(f"/admin/pages/{page_b.pk}/edit/"))


def test_owner_cannot_open_the_admin(client, owner):
    client.force_login(owner)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
