"""Bad input that used to answer 500 (issue #12, item 9): each is now a clear 4xx with a message.

Each case is the one the hostile probe found, through the real views and middleware; the
client shows the response a person gets instead of re-raising the exception.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from consultations.models import Response
from deliberation.choices import ThreadState
from demo import knowledge as knowledge_demo
from portal.home.models import HomePage
from portal.knowledge.models import ArticlePage
from tests.consultations.conftest import make_consultation, question
from tests.deliberation.conftest import report_issue

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "不可见的控制字符"


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)


def test_a_reason_posted_to_resolve_or_confirm_is_ignored_not_a_500(
    browser, estate_a, owner, property_manager
):
    thread = report_issue(estate_a, owner)
    base = f"/discuss/{estate_a.slug}/t/{thread.pk}"
    browser.force_login(property_manager)
    response = browser.post(f"{base}/resolve/", {"note": "已更换楼道灯泡。", "reason": "已修好"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.state == ThreadState.RESOLVED

    browser.force_login(owner)
    response = browser.post(f"{base}/confirm/", {"reason": "确认"}, follow=True)
    assert response.status_code == 200
    assert "已确认解决" in response.content.decode()
    thread.refresh_from_db()
    assert thread.state == ThreadState.CLOSED


def test_a_nul_tag_on_the_knowledge_index_is_a_400_with_a_message(browser, estate_a):
    knowledge_demo.seed_knowledge(HomePage.objects.first(), estate_a)
    index = ArticlePage.objects.get(slug="maintenance-fund").get_parent()
    response = browser.get(index.url + "?tag=%00")
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("text", ["车位\x00太少", "车位太少\x1b[31m", "\u202e少太位车"])
def test_a_control_character_in_a_consultation_response_is_refused_and_stores_nothing(
    browser, estate_a, owner, text
):
    from consultations.models import ConsultationIndexPage

    consultation = make_consultation(
        ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    )
    browser.force_login(owner)
    single = question(consultation, "single")
    response = browser.post(
        consultation.subpage_url("respond"),
        {single.field_name: "1", "opinion-overall": text},
    )
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    assert not Response.objects.exists()


def test_a_second_signup_for_a_phone_within_30_seconds_is_told_to_wait(browser, world_a):
    data = {"phone": "138 0013 8000", "display_name": "王小芳", "privacy_consent": "on"}
    assert browser.post(reverse("account_signup"), data).status_code == 302
    again = Client(raise_request_exception=False)
    response = again.post(reverse("account_signup"), data)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_a_form_declaring_gbk_is_a_400_that_asks_for_utf8(browser, world_a):
    response = browser.post(
        reverse("account_signup"),
        b"phone=13800138000&display_name=%CD%F5",
        content_type="application/x-www-form-urlencoded; charset=gbk",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode() and "表单" in response.content.decode()


def test_the_rss_feed_survives_a_title_with_a_control_character(browser, estate_a):
    from portal.notices.models import NoticeIndexPage
    from tests.notices.conftest import make_notice

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    make_notice(index, title="3栋停水\x0b通知\x1f")
    response = browser.get(index.url + "feed/rss/")
    assert response.status_code == 200
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    assert titles == ["3栋停水通知"]
    assert browser.get(index.url + "feed/ical/").status_code == 200


def test_the_json_api_gets_the_refusal_as_json(browser, db):
    response = browser.get("/api/open/estates.json?from=2026-01-01%00")
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.json()["error"]


def test_the_admin_keeps_an_editors_text_without_its_control_characters(rf):
    """A title pasted from Word carries vertical tabs; refusing it would lose the unsaved page."""
    from portal.security import HostileInputMiddleware

    seen = {}

    def view(request):
        seen["title"] = request.POST["title"]
        seen["summary"] = request.POST.getlist("summary")
        return HttpResponse("ok")

    request = rf.post(
        "/admin/pages/3/edit/", {"title": "停水\x0b通知\x00", "summary": ["第一行\x0c第二行", "好"]}
    )
    response = HostileInputMiddleware(view)(request)
    assert response.status_code == 200
    assert seen == {"title": "停水\n通知", "summary": ["第一行\n第二行", "好"]}


def test_outside_the_admin_the_same_text_is_refused_with_a_message(rf):
    from portal.security import HostileInputMiddleware

    request = rf.post("/discuss/jinxiu/new/", {"title": "停水\x0b通知"})
    response = HostileInputMiddleware(lambda request: HttpResponse("ok"))(request)
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
