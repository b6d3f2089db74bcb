"""Journeys of the discussion area (议事), at phone and desktop widths.

(a) An owner reports a leaking roof; the property company answers officially within the
    deadline and marks it resolved; the owner confirms and rates it; the per-party figures
    on the estate's discussion page change.
(b) Three members report an abusive post; it is hidden with a tombstone; a moderator
    reviews it in the queue; the author appeals; another moderator decides.

The first person logs in by SMS code as a person does; the others get a signed-in
session cookie directly (the login journey itself is tested in test_login_journey.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from deliberation import actions
from portal.community.choices import RoleKind
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code, signed_in

pytestmark = pytest.mark.browser


def figures_row(page, party: str) -> str:
    return page.locator(".dlb-figures-table tr", has_text=party).inner_text()


def test_owner_reports_a_leaking_roof_the_property_company_answers_and_the_owner_rates_it(
    page, new_page, live_server, screenshot, owner, property_staff
):
    # The owner signs in and finds the discussion area of their estate.
    log_in_by_sms_code(page, owner.phone)
    page.goto("/discuss/jinxiu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("议事")
    expect(page.locator(".dlb-figures")).to_contain_text("这段时间还没有问题反映")

    # They report the leaking roof.
    page.get_by_role("link", name="发起讨论 / 反映问题").click()
    page.get_by_label("类型").select_option("issue")
    page.get_by_label("问题类别").select_option("repair")
    page.get_by_label("标题").fill("3栋屋顶漏水")
    page.get_by_label("内容").fill("顶楼 502 卧室天花板渗水，下雨时一直滴水，请尽快派人查看。")
    page.get_by_label("标签").fill("屋顶 3栋")
    assert_fits_screen(page)
    screenshot(page, "report-form")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3栋屋顶漏水")
    status = page.locator(".dlb-status")
    expect(status).to_contain_text("待响应")
    expect(status).to_contain_text("物业服务企业")
    expect(page.locator(".dlb-post").first).to_contain_text("业主 · 3栋")
    thread_url = page.url
    screenshot(page, "reported")

    # The property company answers officially, within the deadline, and marks it solved.
    staff = signed_in(new_page, live_server, property_staff)
    staff.goto(thread_url)
    reply = staff.locator("form#reply")
    reply.get_by_label("回复").fill("您好，维修师傅今天下午 3 点上门检查屋面防水层。")
    reply.get_by_label("作为官方答复发布").check()
    reply.get_by_role("button", name="发送").click()
    expect(staff.locator(".dlb-official")).to_have_text("官方答复 · 物业服务企业")
    expect(staff.locator(".dlb-status")).to_contain_text("处理中")
    expect(staff.locator(".dlb-status")).to_contain_text("按时")
    # "已解决" needs a note of what was done: without one it is refused, beside the field.
    staff.locator("details#resolve summary").click()
    staff.get_by_role("button", name="提交处理说明并标记为已解决").click()
    expect(staff.locator("[data-error-summary]")).to_contain_text("请说明做了什么")
    expect(staff.locator(".dlb-status")).to_contain_text("处理中")
    screenshot(staff, "resolve-refused")
    staff.get_by_label("处理说明").fill(
        "已更换 5 楼屋面防水卷材约 6 平方米，并做闭水试验 24 小时无渗漏。"
    )
    staff.get_by_role("button", name="提交处理说明并标记为已解决").click()
    expect(staff.locator(".dlb-status")).to_contain_text("已解决")
    expect(staff.locator(".dlb-resolutions")).to_contain_text("闭水试验")
    assert_fits_screen(staff)
    screenshot(staff, "answered")

    # The owner sees the answer, confirms the fix and rates it.
    page.goto(thread_url)
    expect(page.locator(".is-official")).to_contain_text("维修师傅今天下午")
    page.get_by_role("button", name="确认已解决").click()
    expect(page.locator(".dlb-status")).to_contain_text("已关闭")
    page.get_by_label("5 分 · 非常满意").check()
    page.get_by_label("评价（选填）").fill("处理及时，谢谢物业。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的评价")
    expect(page.locator(".dlb-status")).to_contain_text("5 / 5")
    assert_fits_screen(page)
    screenshot(page, "rated")

    # The property company's figures now show the report answered and closed on time.
    page.goto("/discuss/jinxiu/")
    row = figures_row(page, "物业服务企业")
    # Shown exactly as the officials' dashboard shows the same figures.
    assert "100.0%" in row and "5.00 / 5" in row and "1 分钟" in row, row
    assert_fits_screen(page)
    screenshot(page, "figures")


@pytest.fixture
def topic(estate_a, owner):
    return actions.start_thread(
        estate_a, owner, kind="topic", title="小区东门是否增设快递柜", body="大家怎么看？"
    )


@pytest.fixture
def neighbour(world_a):
    """赵磊 rents 1栋101: a resident who moderates nothing."""
    from portal.community import actions as community_actions
    from tests.factories import UserFactory

    user = UserFactory(display_name="赵磊")
    community_actions.grant_role(
        user, RoleKind.RESIDENT, estate=world_a.estate, unit=world_a.building1_unit
    )
    return user


@pytest.fixture
def second_moderator(estate_a):
    from tests.conftest import _with_role

    return _with_role(RoleKind.MODERATOR, estate=estate_a, display_name="吴版主")


def test_three_members_report_an_abusive_post_it_is_hidden_reviewed_and_appealed(
    new_page,
    live_server,
    screenshot,
    topic,
    tenant,
    owner,
    owner_building1,
    neighbour,
    moderator,
    second_moderator,
):
    rude = actions.add_post(topic, tenant, body="你们这些人都是骗子，滚出小区！")
    url = f"/discuss/jinxiu/t/{topic.pk}/"

    # Three members report it; the third report hides it.
    for n, reporter in enumerate((owner, owner_building1, neighbour), start=1):
        page = signed_in(new_page, live_server, reporter)
        page.goto(url)
        page.locator(f"#post-{rude.pk}").get_by_role("link", name="举报").click()
        page.get_by_label("辱骂攻击").check()
        if n == 1:
            assert_fits_screen(page)
            screenshot(page, "report-form")
        page.get_by_role("button", name="提交").click()
        expect(page.locator(".messages")).to_contain_text("举报已提交")
    post = page.locator(f"#post-{rude.pk}")
    expect(post).to_contain_text("该内容已被隐藏（原因：辱骂攻击）")
    expect(post).not_to_contain_text("骗子")
    screenshot(page, "tombstone")

    # A moderator reviews it in the queue and confirms the hiding.
    mod = signed_in(new_page, live_server, moderator)
    mod.goto("/discuss/jinxiu/moderation/")
    item = mod.locator(".dlb-queue-item", has_text="骗子")
    expect(item).to_contain_text("自动隐藏，待复核")
    item.locator("input[name=posts]").check()
    mod.get_by_label("操作").select_option("hide")
    mod.get_by_label("隐藏原因").select_option("abuse")
    assert_fits_screen(mod)
    screenshot(mod, "queue")
    mod.get_by_role("button", name="执行").click()
    expect(mod.locator(".messages")).to_contain_text("已处理 1 条")

    # The author sees the tombstone and appeals once.
    author = signed_in(new_page, live_server, tenant)
    author.goto(url)
    author.locator(f"#post-{rude.pk}").get_by_role("link", name="申诉").click()
    author.get_by_label("申诉理由").fill("我是在说开发商，不是说邻居，请复核。")
    author.get_by_role("button", name="提交").click()
    expect(author.locator(".messages")).to_contain_text("申诉已提交")
    expect(author.locator(f"#post-{rude.pk}")).to_contain_text("申诉状态：待复核")
    screenshot(author, "appealed")

    # The moderator who hid it may not decide; another moderator does.
    mod.goto("/discuss/jinxiu/moderation/")
    expect(mod.locator("main")).to_contain_text("须由另一位版主复核")
    other = signed_in(new_page, live_server, second_moderator)
    other.goto("/discuss/jinxiu/moderation/")
    other.get_by_label("维持隐藏").check()
    other.get_by_label("复核意见").fill("言辞侮辱，维持隐藏。")
    screenshot(other, "appeal-review")
    other.get_by_role("button", name="提交复核").click()
    expect(other.locator(".messages")).to_contain_text("申诉已处理")
    author.goto(url)
    expect(author.locator(f"#post-{rude.pk}")).to_contain_text("申诉状态：申诉驳回")
    assert_fits_screen(author)
