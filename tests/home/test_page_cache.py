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


def test_a_page_reached_by_another_host_or_scheme_names_its_own_address(client, estate_a):
    """The share card's og:url is absolute: one host's copy must not be served to another."""
    page = _public_page(estate_a)
    first = client.get(page.url, HTTP_HOST="gongzhi.example.cn")
    other = client.get(page.url, HTTP_HOST="www.gongzhi.example.cn")
    secure = client.get(page.url, HTTP_HOST="gongzhi.example.cn", secure=True)
    assert "X-Page-Cache" not in other and "X-Page-Cache" not in secure
    assert 'content="http://www.gongzhi.example.cn/' in other.content.decode()
    assert 'content="https://gongzhi.example.cn/' in secure.content.decode()
    again = client.get(page.url, HTTP_HOST="gongzhi.example.cn")
    assert again["X-Page-Cache"] == "hit" and again.content == first.content


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


# --- section indexes in the cache, and what must refresh them -------------------------------


def _section(estate, kind: str):
    from wagtail.models import Page

    return next(
        page.specific
        for page in Page.objects.child_of(estate.page)
        if page.specific_class._meta.model_name == kind
    )


def _notice(index, title: str, slug: str, *, visibility: str = "public"):
    from portal.notices.models import NoticePage

    notice = NoticePage(title=title, slug=slug, summary=title, visibility=visibility)
    index.add_child(instance=notice)
    notice.save_revision().publish()
    return notice


def test_a_section_index_is_served_to_anonymous_readers_from_the_cache(client, estate_a):
    index = _section(estate_a, "noticeindexpage")
    first = client.get(index.url)
    second = client.get(index.url)
    assert "X-Page-Cache" not in first and second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_notice_published_under_a_cached_index_shows_at_once(client, estate_a):
    index = _section(estate_a, "noticeindexpage")
    client.get(index.url)
    _notice(index, "6号楼电梯维保通知", "lift-6")
    assert "6号楼电梯维保通知" in client.get(index.url).content.decode()


def test_an_unpublished_notice_leaves_the_cached_index_at_once(client, estate_a):
    index = _section(estate_a, "noticeindexpage")
    notice = _notice(index, "6号楼电梯维保通知", "lift-6")
    assert "6号楼电梯维保通知" in client.get(index.url).content.decode()
    notice.unpublish()
    assert "6号楼电梯维保通知" not in client.get(index.url).content.decode()


def test_a_members_only_notice_never_reaches_an_anonymous_reader_through_the_cache(
    client, estate_a, owner
):
    index = _section(estate_a, "noticeindexpage")
    _notice(index, "业主大会筹备情况（仅业主）", "owners-only", visibility="members")
    client.force_login(owner)
    assert "业主大会筹备情况" in client.get(index.url).content.decode()
    client.logout()
    for _ in range(2):
        response = client.get(index.url)
        assert "业主大会筹备情况" not in response.content.decode()


def test_a_member_is_never_served_the_anonymous_copy_of_an_index(client, estate_a, owner):
    index = _section(estate_a, "noticeindexpage")
    _notice(index, "业主大会筹备情况（仅业主）", "owners-only", visibility="members")
    client.get(index.url)
    client.get(index.url)  # cached for anonymous readers now
    client.force_login(owner)
    response = client.get(index.url)
    assert "X-Page-Cache" not in response
    assert "业主大会筹备情况" in response.content.decode()


def test_the_cached_index_follows_the_readers_language(client, estate_a):
    from django.conf import settings

    index = _section(estate_a, "knowledgeindexpage")
    chinese = client.get(index.url)
    client.get(index.url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(index.url)
    assert "X-Page-Cache" not in english
    assert 'lang="zh-CN"' in chinese.content.decode()
    assert 'lang="en"' in english.content.decode()
    assert client.get(index.url)["X-Page-Cache"] == "hit"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.get(index.url).content == chinese.content


def test_a_renamed_knowledge_category_shows_at_once(client, estate_a):
    from portal.knowledge.models import KnowledgeCategory

    category = KnowledgeCategory.objects.create(name="停车管理", slug="parking")
    index = _section(estate_a, "knowledgeindexpage")
    assert "停车管理" in client.get(index.url).content.decode()
    category.name = "垃圾分类"
    category.save()
    body = client.get(index.url).content.decode()
    assert "垃圾分类" in body and "停车管理" not in body


def test_feeds_of_a_cached_index_keep_their_own_headers(client, estate_a):
    index = _section(estate_a, "noticeindexpage")
    _notice(index, "6号楼电梯维保通知", "lift-6")
    for _ in range(2):
        response = client.get(f"{index.url}feed/ical/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response


def test_a_privacy_restriction_added_to_a_cached_page_keeps_anonymous_readers_out_at_once(
    client, estate_a
):
    """Wagtail's privacy setting (a view restriction) is not a publish: it must still empty
    the anonymous cache, or the restricted page is served from it until the copy expires."""
    from wagtail.models import PageViewRestriction

    page = _public_page(estate_a)
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "hit"
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    refused = client.get(page.url)
    assert refused.status_code == 302 and "X-Page-Cache" not in refused
    assert "初版简介" not in refused.content.decode()
    restriction.delete()
    assert "初版简介" in client.get(page.url).content.decode()


def test_a_restriction_on_an_ancestor_reaches_its_cached_descendants_at_once(client, estate_a):
    from wagtail.models import PageViewRestriction

    page = _public_page(estate_a)
    client.get(page.url)
    PageViewRestriction.objects.create(
        page=estate_a.page, restriction_type=PageViewRestriction.PASSWORD, password="门禁"
    )
    response = client.get(page.url)
    assert response.status_code == 200 and "初版简介" not in response.content.decode()
