"""A thread may name a page it discusses: only a live page the poster may open (issue #12.6).

The new-thread form prints the attached page's title and the thread page shows it to every
member, so attaching is where a hidden title would leak: drafts, owners-only pages seen by a
tenant, and the other estate's members-only pages.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberation import actions
from deliberation.models import Thread
from portal.community.choices import Visibility
from portal.home.models import StandardPage

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "物业费调价方案（未定稿）"
OWNERS_TITLE = "维修资金使用明细（仅业主）"
OTHER_TITLE = "翠湖苑业委会换届内部安排"
PUBLIC_TITLE = "小区停车管理办法"


def _page(estate, title, slug, *, visibility=Visibility.PUBLIC, live=True):
    page = estate.page.add_child(
        instance=StandardPage(title=title, slug=slug, visibility=visibility, live=live)
    )
    if live:
        page.save_revision().publish()
    return page


@pytest.fixture
def draft(estate_a):
    return _page(estate_a, DRAFT_TITLE, "fee-draft", live=False)


@pytest.fixture
def owners_only(estate_a):
    return _page(estate_a, OWNERS_TITLE, "fund-detail", visibility=Visibility.OWNERS)


@pytest.fixture
def other_estate_members(estate_b):
    return _page(estate_b, OTHER_TITLE, "election-internal", visibility=Visibility.MEMBERS)


@pytest.fixture
def public_page(estate_a):
    return _page(estate_a, PUBLIC_TITLE, "parking")


def _new_thread_url(estate, page) -> str:
    return reverse("deliberation:thread_create", args=[estate.slug]) + f"?page={page.pk}"


def _post_thread(client, estate, page):
    return client.post(
        reverse("deliberation:thread_create", args=[estate.slug]),
        {"kind": "topic", "title": "大家怎么看", "body": "请大家发表意见。", "page": page.pk},
    )


@pytest.mark.parametrize(
    ("who", "hidden"),
    [
        ("tenant", "draft"),
        ("owner", "draft"),
        ("tenant", "owners_only"),
        ("owner", "other_estate_members"),
    ],
)
def test_the_new_thread_form_never_prints_a_title_the_poster_may_not_see(
    request, client, estate_a, who, hidden
):
    page = request.getfixturevalue(hidden)
    client.force_login(request.getfixturevalue(who))
    response = client.get(_new_thread_url(estate_a, page))
    assert response.status_code == 200
    assert page.title not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "hidden"),
    [
        ("tenant", "draft"),
        ("tenant", "owners_only"),
        ("owner", "other_estate_members"),
    ],
)
def test_a_thread_cannot_be_attached_to_a_page_the_poster_may_not_see(
    request, client, estate_a, who, hidden
):
    page = request.getfixturevalue(hidden)
    client.force_login(request.getfixturevalue(who))
    response = _post_thread(client, estate_a, page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "只能关联本小区已发布、您有权查看的页面" in html
    assert page.title not in html
    assert not Thread.objects.exists()


def test_the_action_refuses_a_draft_even_for_its_editor(estate_a, committee_chair, draft):
    # The committee may open its own draft in the admin, but a thread on it would show its
    # title to every member before it is published.
    with pytest.raises(ValidationError) as refused:
        actions.start_thread(
            estate_a, committee_chair, kind="topic", title="调价", body="意见", page=draft
        )
    assert "page" in refused.value.message_dict
    assert not Thread.objects.exists()


def test_an_owner_attaches_a_thread_to_an_owners_only_page(client, estate_a, owner, owners_only):
    client.force_login(owner)
    assert OWNERS_TITLE in client.get(_new_thread_url(estate_a, owners_only)).content.decode()
    response = _post_thread(client, estate_a, owners_only)
    assert response.status_code == 302
    assert Thread.objects.get().page_id == owners_only.pk


def test_the_thread_page_names_the_attached_page_only_to_readers_who_may_open_it(
    client, estate_a, owner, tenant, owners_only
):
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="维修资金怎么用", body="请看明细", page=owners_only
    )
    url = reverse("deliberation:thread_detail", args=[estate_a.slug, thread.pk])
    client.force_login(owner)
    assert OWNERS_TITLE in client.get(url).content.decode()
    client.force_login(tenant)
    html = client.get(url).content.decode()
    assert "维修资金怎么用" in html and OWNERS_TITLE not in html


def test_a_page_unpublished_after_attaching_no_longer_shows_its_title(
    client, estate_a, owner, public_page
):
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="停车位不够", body="怎么办", page=public_page
    )
    public_page.unpublish()
    client.force_login(owner)
    url = reverse("deliberation:thread_detail", args=[estate_a.slug, thread.pk])
    assert PUBLIC_TITLE not in client.get(url).content.decode()


def test_a_tenant_attaches_a_public_page(client, estate_a, tenant, public_page):
    client.force_login(tenant)
    response = _post_thread(client, estate_a, public_page)
    assert response.status_code == 302
    assert Thread.objects.get().page_id == public_page.pk
