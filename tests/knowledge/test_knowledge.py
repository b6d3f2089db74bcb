"""The knowledge base: articles, FAQ, categories and tags, "was this helpful", visibility."""

from __future__ import annotations

import pytest

from demo import knowledge as demo
from portal.community.choices import Visibility
from portal.home.models import HomePage
from portal.knowledge.models import ArticleFeedback, ArticlePage, FAQPage


@pytest.fixture
def knowledge(estate_a):
    demo.seed_knowledge(HomePage.objects.first(), estate_a)
    return estate_a


def test_seeding_twice_creates_each_page_once(knowledge, estate_a):
    count = ArticlePage.objects.count()
    demo.seed_knowledge(HomePage.objects.first(), estate_a)
    assert (
        ArticlePage.objects.count()
        == count
        == len(demo.DISTRICT_ARTICLES) + len(demo.ESTATE_ARTICLES)
    )
    assert FAQPage.objects.count() == 1


def test_article_shows_body_tags_related_and_review_date(client, knowledge):
    page = ArticlePage.objects.get(slug="maintenance-fund")
    body = client.get(page.url).content.decode()
    assert "专项维修资金" in body
    assert "#维修资金" in body
    assert "业主大会怎样表决" in body  # related article
    assert "2026-10-15" in body


def test_related_article_the_reader_may_not_open_is_not_listed(client, knowledge):
    page = ArticlePage.objects.get(slug="how-assembly-voting-works")
    rules = ArticlePage.objects.get(slug="rules-of-procedure")
    rules.visibility = Visibility.OWNERS
    rules.save_revision().publish()
    assert "议事规则（摘要）" not in client.get(page.url).content.decode()


def test_faq_renders_questions_as_disclosures(client, knowledge):
    body = client.get(FAQPage.objects.get().url).content.decode()
    assert body.count("<details") == len(demo.DISTRICT_FAQ["questions"])
    assert "租户可以参加业主大会投票吗？" in body


def test_index_filters_by_category_and_tag(client, knowledge):
    guides = ArticlePage.objects.get(slug="maintenance-fund").get_parent()
    body = client.get(guides.url + "?category=fund").content.decode()
    assert "专项维修资金" in body and "物业费和公共收益公示" not in body
    body = client.get(guides.url + "?tag=物业费").content.decode()
    assert "物业费和公共收益公示" in body and "专项维修资金" not in body


def test_members_only_estate_article_is_hidden_from_outsiders(client, knowledge, outsider, tenant):
    covenant = ArticlePage.objects.get(slug="management-covenant")
    client.force_login(outsider)
    assert client.get(covenant.url).status_code == 403
    client.force_login(tenant)
    assert client.get(covenant.url).status_code == 200


def test_helpful_feedback_is_recorded_once_per_reader_and_can_change(client, knowledge, owner):
    page = ArticlePage.objects.get(slug="raise-an-issue")
    client.force_login(owner)
    client.post(f"/knowledge/{page.pk}/feedback/", {"helpful": "1"})
    client.post(
        f"/knowledge/{page.pk}/feedback/", {"helpful": "0", "comment": "希望补充夜间报修电话"}
    )
    feedback = ArticleFeedback.objects.get(page=page, user=owner)
    assert feedback.helpful is False and feedback.comment == "希望补充夜间报修电话"
    assert ArticleFeedback.summary_for(page) == {"yes": 0, "no": 1}


def test_feedback_with_a_bad_choice_is_refused_and_stores_nothing(client, knowledge, owner):
    page = ArticlePage.objects.get(slug="raise-an-issue")
    client.force_login(owner)
    response = client.post(f"/knowledge/{page.pk}/feedback/", {"helpful": "maybe"}, follow=True)
    assert "请选择“有帮助”或“没帮助”。" in response.content.decode()
    assert not ArticleFeedback.objects.exists()


def test_feedback_on_a_page_the_reader_may_not_open_is_refused(client, knowledge, outsider):
    covenant = ArticlePage.objects.get(slug="management-covenant")
    client.force_login(outsider)
    assert client.post(f"/knowledge/{covenant.pk}/feedback/", {"helpful": "1"}).status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_anonymous_feedback_goes_to_login(client, knowledge):
    page = ArticlePage.objects.get(slug="raise-an-issue")
    assert client.post(f"/knowledge/{page.pk}/feedback/", {"helpful": "1"}).status_code == 302


def test_the_district_guides_are_linked_from_every_page_and_the_link_finds_them(
    client, knowledge, estate_a
):
    from django.urls import reverse

    from portal.knowledge.models import KnowledgeIndexPage

    guides = KnowledgeIndexPage.objects.child_of(HomePage.objects.first()).get()
    link = reverse("knowledge:guides")
    for url in ("/", estate_a.page.url, reverse("search:search")):
        assert f'href="{link}"' in client.get(url).content.decode(), url
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == guides.url
    # The estate's own knowledge base points up to the district's.
    estate_index = KnowledgeIndexPage.objects.descendant_of(estate_a.page).get()
    assert (
        f'<a href="{link}">街道的法规与办事指南</a>'
        in client.get(estate_index.url).content.decode()
    )


def test_the_guides_link_says_not_found_when_the_district_has_none(client, estate_a):
    assert client.get("/knowledge/guides/").status_code == 404
