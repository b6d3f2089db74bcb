"""Journey: a community official convenes a joint meeting, records its minutes and a decision
that becomes an action item; the property manager reports progress with a photo; an owner
follows the item and its progress.

Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.oversight.conftest import png_bytes

pytestmark = pytest.mark.browser


def test_joint_meeting_decision_becomes_an_action_item_the_owner_can_follow(
    new_page, screenshot, community_official, committee_chair, property_manager, owner
):
    # --- the community official convenes the meeting --------------------------------------
    official = new_page()
    log_in_by_sms_code(official, community_official.phone)
    official.goto("/oversight/jinxiu/meetings/")
    official.get_by_role("link", name="召集会议").click()
    expect(official.get_by_role("heading", level=1)).to_have_text("召集三方联席会议")
    starts = timezone.localtime() + timedelta(days=3)
    official.get_by_label("会议名称").fill("2026年第四季度三方联席会议")
    official.get_by_label("会议时间").fill(starts.strftime("%Y-%m-%dT14:30"))
    official.get_by_label("会议地点").fill("锦绣花园会所二楼会议室")
    official.get_by_label("陈建国 · 业主委员会").check()
    official.get_by_label("赵经理 · 物业服务企业").check()
    official.get_by_label("其他参会人员（无账号）").fill("李工，区住建局")
    official.get_by_label("议程").fill("3栋屋顶漏水维修方案\n地下车库照明改造")
    assert_fits_screen(official)
    screenshot(official, "convene")
    official.get_by_role("button", name="召集并通知参会人员").click()

    expect(official.locator(".messages")).to_contain_text("会议已召集")
    main = official.locator("main")
    expect(main).to_contain_text("已召集")
    expect(main).to_contain_text("3栋屋顶漏水维修方案")
    expect(main).to_contain_text("李工")

    # --- after the meeting: minutes, then a decision, then the action item ------------------
    official.get_by_label("会议纪要").fill(
        "一、物业通报3栋顶楼 6 户反映屋顶渗漏，防水层老化是主要原因。\n\n"
        "二、三方商定由物业先行局部维修，费用明细公示。"
    )
    official.get_by_role("button", name="保存纪要").click()
    expect(main).to_contain_text("已召开")
    expect(main.locator(".minutes")).to_contain_text("三方商定由物业先行局部维修")

    official.get_by_label("新增决定").fill("物业在两周内完成3栋屋顶防水层局部维修并公示费用。")
    official.get_by_role("button", name="记录决定").click()
    expect(main.locator(".decisions")).to_contain_text("两周内完成3栋屋顶防水层局部维修")
    screenshot(official, "minutes-and-decision")

    official.locator(".decisions").get_by_role("link", name="设立督办事项").click()
    expect(official.locator("main")).to_contain_text("来源：2026年第四季度三方联席会议 · 决定 1")
    official.get_by_label("督办事项").fill("3栋屋顶防水层局部维修")
    official.get_by_label("责任方").select_option(label="物业服务企业")
    official.get_by_label("责任人（选填）").select_option(label="赵经理 · 物业服务企业")
    due = timezone.localdate() + timedelta(days=14)
    official.get_by_label("完成期限").fill(due.isoformat())
    screenshot(official, "new-action-item")
    official.get_by_role("button", name="设立并通知责任方").click()
    expect(official.get_by_role("heading", level=1)).to_have_text("3栋屋顶防水层局部维修")
    expect(official.locator("main")).to_contain_text("未开始")
    expect(official.locator("main")).to_contain_text("2026年第四季度三方联席会议 · 决定 1")
    item_url = official.url

    # --- the property manager reports progress with a photo -------------------------------
    manager = new_page()
    log_in_by_sms_code(manager, property_manager.phone)
    manager.goto("/inbox/")
    expect(manager.locator("main")).to_contain_text("新的督办事项：3栋屋顶防水层局部维修")
    manager.goto(item_url)
    manager.get_by_label("进展状态").select_option(label="进行中")
    manager.get_by_label("完成进度（%）").fill("60")
    manager.get_by_label("进展说明").fill("东侧屋面已铲除旧防水层，正在铺设新卷材。")
    manager.get_by_label("佐证材料（选填）").set_input_files(
        files=[{"name": "屋面施工.png", "mimeType": "image/png", "buffer": png_bytes((320, 200))}]
    )
    manager.get_by_role("button", name="提交进展").click()
    expect(manager.locator(".messages")).to_contain_text("进展已记录")
    expect(manager.locator(".timeline")).to_contain_text("正在铺设新卷材")

    # --- an owner follows it --------------------------------------------------------------
    reader = new_page()
    log_in_by_sms_code(reader, owner.phone)
    reader.goto("/jinxiu/")
    reader.get_by_role("link", name="督办").first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("督办事项")
    row = reader.locator(".action-item", has_text="3栋屋顶防水层局部维修")
    expect(row).to_contain_text("进行中")
    expect(row).to_contain_text("60%")
    assert_fits_screen(reader)
    screenshot(reader, "owner-list")
    row.get_by_role("link", name="3栋屋顶防水层局部维修").click()
    timeline = reader.locator(".timeline")
    expect(timeline).to_contain_text("东侧屋面已铲除旧防水层")
    photo = timeline.get_by_role("img", name="现场照片：屋面施工.jpg")
    expect(photo).to_be_visible()
    # The photo loads lazily: wait until it has loaded or failed (a broken image measures 0).
    width = photo.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.addEventListener('load', () => done(img.naturalWidth));"
        " img.addEventListener('error', () => done(0)); })"
    )
    assert width == 320
    expect(reader.locator("main")).not_to_contain_text("报告进展")
    assert_fits_screen(reader)
    screenshot(reader, "owner-detail")

    # The minutes are not yet published: the owner cannot open the meeting.
    reader.goto("/oversight/jinxiu/meetings/")
    expect(reader.locator("main")).not_to_contain_text("2026年第四季度三方联席会议")
