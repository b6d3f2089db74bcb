"""The knowledge base: articles, FAQ, categories and tags, "was this helpful", visibility.

The knowledge base here is written by the tests themselves (not the demo's texts), so each
assertion names what the test put in; the demo's own content is checked in test_demo.py.
"""

from __future__ import annotations

import datetime

import pytest

from portal.community.choices import Visibility
from portal.home.models import HomePage
from portal.knowledge.models import (
    ArticleFeedback,
    ArticlePage,
    FAQPage,
    KnowledgeCategory,
    KnowledgeIndexPage,
)

REVIEWED = datetime.date(2026, 3, 9)
FAQ_QUESTIONS = (
    ("租户可以参加业主大会投票吗？", "不可以。投票权属于业主。"),
    ("维修资金归谁所有？", "归业主所有。"),
)


def _article(parent, slug, title, category, *, tags=(), text="", visibility=Visibility.PUBLIC):
    article = ArticlePage(
        title=title,
        slug=slug,
        category=category,
        summary=f"{title}的摘要",
        body=[("paragraph", f"<p>{text or title + '的正文'}</p>")],
        last_reviewed=REVIEWED,
        visibility=visibility,
    )
    parent.add_child(instance=article)
    article.tags.add(*tags)
    article.save_revision().publish()
    return article


@pytest.fixture
def knowledge(estate_a):
    """District guides (fund, fees, assembly, issues, an FAQ) and an estate's covenant and rules."""
    fund = KnowledgeCategory.objects.create(name="资金", slug="fund", sort_order=1)
    fees = KnowledgeCategory.objects.create(name="收费", slug="fees", sort_order=2)
    assembly = KnowledgeCategory.objects.create(name="大会", slug="assembly", sort_order=3)
    home = HomePage.objects.first()
    guides = home.add_child(instance=KnowledgeIndexPage(title="指南", slug="guides"))
    guides.save_revision().publish()
    voting = _article(guides, "how-assembly-voting-works", "大会怎样投票", assembly)
    fund_article = _article(
        guides,
        "maintenance-fund",
        "维修资金怎么用",
        fund,
        tags=["维修资金"],
        text="维修资金的使用须经业主共同决定。",
    )
    _article(guides, "fee-disclosure", "收费怎样公示", fees, tags=["物业费"])
    _article(guides, "raise-an-issue", "怎样反映问题", assembly)
    faq = FAQPage(
        title="常见问题",
        slug="faq",
        category=assembly,
        questions=[("qa", {"question": q, "answer": a}) for q, a in FAQ_QUESTIONS],
        last_reviewed=REVIEWED,
    )
    guides.add_child(instance=faq)
    faq.save_revision().publish()
    estate_index = KnowledgeIndexPage.objects.child_of(estate_a.page).get()
    _article(
        estate_index,
        "management-covenant",
        "本小区管理规约",
        assembly,
        visibility=Visibility.MEMBERS,
    )
    rules = _article(estate_index, "rules-of-procedure", "本小区议事规则", assembly)
    voting.related_pages.set([rules, fund_article])
    fund_article.related_pages.set([voting])
    return estate_a


def test_article_shows_body_tags_related_and_review_date(client, knowledge):
    page = ArticlePage.objects.get(slug="maintenance-fund")
    body = client.get(page.url).content.decode()
    assert "维修资金的使用须经业主共同决定。" in body
    assert "#维修资金" in body
    assert "大会怎样投票" in body  # related article
    assert "2026-03-09" in body


def test_related_article_the_reader_may_not_open_is_not_listed(client, knowledge):
    page = ArticlePage.objects.get(slug="how-assembly-voting-works")
    rules = ArticlePage.objects.get(slug="rules-of-procedure")
    rules.visibility = Visibility.OWNERS
    rules.save_revision().publish()
    body = client.get(page.url).content.decode()
    assert "维修资金怎么用" in body  # the related article everyone may open is listed
    assert "本小区议事规则" not in body


def test_faq_renders_questions_as_disclosures(client, knowledge):
    body = client.get(FAQPage.objects.get().url).content.decode()
    assert body.count("<details") == 2
    assert "租户可以参加业主大会投票吗？" in body and "归业主所有。" in body


def test_index_filters_by_category_and_tag(client, knowledge):
    guides = ArticlePage.objects.get(slug="maintenance-fund").get_parent()
    body = client.get(guides.url + "?category=fund").content.decode()
    assert "维修资金怎么用" in body and "收费怎样公示" not in body
    body = client.get(guides.url + "?tag=物业费").content.decode()
    assert "收费怎样公示" in body and "维修资金怎么用" not in body


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
