"""Journey: the property manager imports a quarter's disclosure from the XLSX template; the
chair queries one line and confirms the rest, and publishes; an owner reads the charts and asks
about a line; the manager answers within the deadline; the dashboard shows the disclosure on
time for 锦绣花园 and overdue for 翠湖苑.

The clock is set to nine days after a quarter ends, so the quarter is due within the journey.
Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from disclosures.deadlines import add_months, period_label
from disclosures.models import Disclosure, DisclosureSchedule
from tests.disclosures.helpers import workbook
from tests.e2e.helpers import assert_fits_screen, signed_in

pytestmark = pytest.mark.browser


def _moment() -> datetime:
    today = timezone.localdate()
    next_quarter = add_months(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), 3)
    return datetime.combine(
        next_quarter + timedelta(days=9), time(10), tzinfo=ZoneInfo("Asia/Shanghai")
    )


def test_disclosure_import_review_publish_question_and_dashboard(
    new_page,
    live_server,
    screenshot,
    property_manager,
    committee_chair,
    owner,
    subdistrict_official,
    estate_a,
    estate_b,
):
    moment = _moment()
    end = moment.date() - timedelta(days=10)
    start = add_months(end + timedelta(days=1), -3)
    label = period_label(start, end)
    with time_machine.travel(moment, tick=True):
        DisclosureSchedule.objects.create(estate=estate_a, first_period_start=start)
        # 翠湖苑 owed last quarter's disclosure too, and has not published it.
        DisclosureSchedule.objects.create(estate=estate_b, first_period_start=add_months(start, -3))

        # --- the property manager imports the quarter from the template ---------------------
        manager = signed_in(new_page, live_server, property_manager)
        manager.goto("/disclosures/jinxiu/")
        manager.get_by_role("link", name="导入信息公开").click()
        expect(manager.get_by_role("heading", level=1)).to_have_text("导入信息公开")
        book = workbook(start.isoformat(), end.isoformat())
        manager.get_by_label("信息公开表格（.xlsx）").set_input_files(
            files=[
                {
                    "name": "disclosure.xlsx",
                    "mimeType": "application/octet-stream",
                    "buffer": book.getvalue(),
                }
            ]
        )
        assert_fits_screen(manager)
        screenshot(manager, "import")
        manager.get_by_role("button", name="导入").click()
        expect(manager.get_by_role("heading", level=1)).to_contain_text(label)
        expect(manager.locator("main")).to_contain_text("草稿")
        manager.get_by_role("button", name="提交业委会审核").click()
        expect(manager.locator(".messages")).to_contain_text("已提交业主委员会审核")
        disclosure = Disclosure.objects.get(estate=estate_a, period_start=start)

        # --- the chair queries one line, confirms the rest, publishes -----------------------
        chair = signed_in(new_page, live_server, committee_chair)
        chair.goto(f"/disclosures/jinxiu/{disclosure.pk}/")
        chair.get_by_role("link", name="逐行审核").click()
        advertising = disclosure.lines.get(label="电梯广告")
        line = chair.locator(f"#line-{advertising.pk}")
        line.get_by_label("质询", exact=True).check()
        line.get_by_label("理由（质询必填）").fill("电梯广告收入比上季度少，请说明原因。")
        line.get_by_role("button", name="保存").click()
        expect(chair.locator(f"#line-{advertising.pk} [data-review]")).to_have_text("质询")
        chair.get_by_role("button", name="确认其余未审核的行").click()
        expect(chair.locator("[data-progress]")).to_contain_text("其中质询 1 行")
        assert_fits_screen(chair)
        screenshot(chair, "review")
        chair.get_by_role("button", name="公开").click()
        expect(chair.locator(".messages")).to_contain_text("已公开")
        expect(chair.locator("[data-sha256]")).to_have_text(disclosure.records.get().sha256)

        # --- an owner reads the tables and charts and asks about a line ----------------------
        reader = signed_in(new_page, live_server, owner)
        reader.goto(f"/disclosures/jinxiu/{disclosure.pk}/")
        expect(reader.locator("#table-common_income svg.chart")).to_be_visible()
        expect(reader.locator("#table-common_income tfoot")).to_contain_text("42,000.10")
        expect(reader.locator(".dsc-query")).to_contain_text("电梯广告收入比上季度少")
        assert_fits_screen(reader)
        screenshot(reader, "published")
        parking = disclosure.lines.get(label="公共道路停车")
        ask = reader.locator(f"#line-{parking.pk} + tr details")
        ask.locator("summary").click()
        ask.get_by_label("您的问题").fill("公共道路停车的成本 9000 元都花在哪里？")
        ask.get_by_role("button", name="提交问题").click()
        expect(reader.locator("main")).to_contain_text("待响应")
        thread_url = reader.url

        # --- the manager answers within the deadline ----------------------------------------
        manager.goto(thread_url)
        reply = manager.locator("form#reply")
        reply.get_by_label("回复").fill(
            "成本是两名停车管理员的工资和道闸维护费，明细已贴在公告栏。"
        )
        reply.get_by_label("作为官方答复发布").check()
        reply.get_by_role("button", name="发送").click()
        expect(manager.locator(".dlb-status")).to_contain_text("按时")

        reader.goto(f"/disclosures/jinxiu/{disclosure.pk}/")
        answer = reader.locator(f"#line-{parking.pk} + tr [data-question]")
        expect(answer).to_contain_text("物业答复")
        expect(answer).to_contain_text("两名停车管理员的工资")
        screenshot(reader, "answered")

        # --- the dashboard: on time for 锦绣花园, overdue for 翠湖苑 --------------------------
        official = signed_in(new_page, live_server, subdistrict_official)
        official.goto("/dashboard/")
        table = official.locator("section[aria-labelledby='table-disclosures']")
        expect(table.locator("tr[data-estate='jinxiu'] td[data-label='公开情况']")).to_have_text(
            "按时公开"
        )
        expect(
            table.locator(f"tr[data-estate='{estate_b.slug}'] td[data-label='公开情况']")
        ).to_have_text("逾期未公开")
        expect(table.locator("tr[data-estate='jinxiu'] td[data-label='按时公开']")).to_have_text(
            "1"
        )
        expect(
            table.locator(f"tr[data-estate='{estate_b.slug}'] td[data-label='逾期未公开']")
        ).to_have_text("1")
        expect(official.locator(".dashboard-alerts")).to_contain_text("至今未公开")
        table.scroll_into_view_if_needed()
        screenshot(official, "dashboard")
