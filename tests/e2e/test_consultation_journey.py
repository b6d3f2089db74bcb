"""Journey: the committee publishes a consultation in the admin; two owners comment on
different sections; after the close the committee marks each opinion and publishes the
report; an owner sees how their opinion was handled.

Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ConsultationIndexPage, ConsultationPage
from tests.e2e.helpers import (
    assert_fits_screen,
    expect_admin_message,
    log_in_by_sms_code,
    type_rich_text,
)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Staff MFA has its own journey; here the committee goes straight to the editor.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _publish_in_admin(page, index: ConsultationIndexPage, screenshot) -> None:
    page.goto(f"/admin/pages/add/consultations/consultationpage/{index.pk}/")
    page.fill("#id_title", "《锦绣花园管理规约（修订草案）》征求意见")
    page.fill("#id_purpose", "修订管理规约，重点修改停车和装修条款，请业主逐章提出意见。")
    now = timezone.now()
    page.fill("#id_opens_at", _local(now - timedelta(hours=1)))
    page.fill("#id_closes_at", _local(now + timedelta(days=10)))
    page.keyboard.press("Escape")

    page.fill("#id_sections-0-heading", "第三章 停车管理")
    page.locator("#id_sections-ADD").click()
    page.fill("#id_sections-1-heading", "第四章 装饰装修")
    type_rich_text(
        page, "#inline_child_sections-0", "地面共有车位优先出租给本小区业主，每户限租一个。"
    )
    type_rich_text(
        page, "#inline_child_sections-1", "装修施工时间为工作日 8:00–12:00、14:00–18:00。"
    )

    page.locator("#id_questions-ADD").click()
    page.select_option("#id_questions-0-kind", "single")
    page.fill("#id_questions-0-text", "您是否赞成本次修订草案？")
    page.fill("#id_questions-0-choices", "赞成\n反对")
    screenshot(page, "admin-form")
    # "发布" lives in the footer's action menu; press it as the menu item does.
    with page.expect_navigation():
        page.locator("button[name='action-publish']").dispatch_event("click")
    expect_admin_message(page, "发布")
    screenshot(page, "admin-published")


def _respond(page, consultation: ConsultationPage, *, section: str, opinion: str, choice: str):
    page.goto(consultation.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    page.locator("section.consultation-section", has_text=section).locator("summary").click()
    page.get_by_label(f"对“{section}”的意见").fill(opinion)
    page.get_by_label(choice).check()
    page.get_by_role("button", name="提交意见").click()
    expect(page.locator(".messages")).to_contain_text("感谢参与")


def test_committee_consults_owners_answer_and_learn_how_their_opinions_were_handled(
    new_page, screenshot, estate_a, committee_chair, owner, owner_building1
):
    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()

    chair_page = new_page()
    log_in_by_sms_code(chair_page, committee_chair.phone)
    _publish_in_admin(chair_page, index, screenshot)
    consultation = ConsultationPage.objects.child_of(index).live().get()
    assert consultation.sections.count() == 2

    owner_page = new_page()
    log_in_by_sms_code(owner_page, owner.phone)
    _respond(
        owner_page,
        consultation,
        section="第三章 停车管理",
        opinion="地面车位应按登记顺序轮换，每两年一轮。",
        choice="赞成",
    )
    assert_fits_screen(owner_page)
    screenshot(owner_page, "owner-responded")

    neighbour_page = new_page()
    log_in_by_sms_code(neighbour_page, owner_building1.phone)
    _respond(
        neighbour_page,
        consultation,
        section="第四章 装饰装修",
        opinion="周六上午也应允许安静的装修作业。",
        choice="反对",
    )

    # The consultation closes (time travel through the database).
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    chair_page.goto(consultation.url + "handling/")
    expect(chair_page.locator("main")).to_contain_text("还有 2 条意见未处理")
    parking = chair_page.locator("li.opinion", has_text="每两年一轮")
    parking.get_by_label("采纳", exact=True).check()
    decoration = chair_page.locator("li.opinion", has_text="周六上午")
    decoration.get_by_label("不采纳").check()
    screenshot(chair_page, "handling")
    chair_page.get_by_role("button", name="保存并发布采纳情况").click()
    expect(chair_page.locator("[data-error-summary]")).to_contain_text("“不采纳”须说明理由")
    expect(chair_page.locator("[data-error-summary]")).to_be_in_viewport()
    screenshot(chair_page, "handling-refused")
    decoration = chair_page.locator("li.opinion", has_text="周六上午")
    decoration.get_by_label("理由").fill("周末休息是多数业主的要求，维持原条款。")
    chair_page.get_by_role("button", name="保存并发布采纳情况").click()
    expect(chair_page.locator(".messages")).to_contain_text("采纳情况已发布")
    assert_fits_screen(chair_page)
    screenshot(chair_page, "report")
    chair_page.goto(consultation.url + "results/")
    expect(chair_page.locator("svg.chart").first).to_be_visible()
    assert_fits_screen(chair_page)
    screenshot(chair_page, "results")

    owner_page.goto(consultation.url)
    respond_box = owner_page.locator("#my-response")
    expect(respond_box).to_contain_text("您的意见处理情况")
    expect(respond_box).to_contain_text("采纳")
    owner_page.get_by_role("link", name="查看全部意见的采纳情况").click()
    mine = owner_page.locator("li.opinion.is-mine")
    expect(mine).to_contain_text("每两年一轮")
    expect(owner_page.locator("main")).to_contain_text("周末休息是多数业主的要求")
    expect(owner_page.locator("main")).not_to_contain_text("李强")
    assert_fits_screen(owner_page)
    screenshot(owner_page, "owner-sees-report")
