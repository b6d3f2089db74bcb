"""Journeys of issue #13 ("Earn trust where it breaks today"), at phone and desktop widths.

(1) A reply with a neighbour's mobile number is hidden for 泄露个人信息: it leaves the other
    owners' inboxes at once, the author is told once, and an upheld appeal brings it back.
(6) An owner chooses email and SMS per category on the preferences page; acknowledging a
    notice marks its inbox item read.

Screenshots in Chinese and in English (the language switch's cookie).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deliberation import actions
from portal.community.choices import RoleKind
from portal.notices.models import NoticeIndexPage
from tests.e2e.helpers import assert_fits_screen, in_english, signed_in
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.browser

PHONE = "13900001234"
LEAK = f"是 6 栋那个人天天占地方，他电话 {PHONE}，大家打给他。"


@pytest.fixture
def topic(estate_a, owner):
    return actions.start_thread(
        estate_a, owner, kind="topic", title="东门是否增设快递柜", body="大家是否同意增设？"
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


def test_a_reply_hidden_for_a_phone_number_leaves_the_inbox_and_an_appeal_brings_it_back(
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
    actions.follow(topic, owner_building1)
    leak = actions.add_post(topic, tenant, body=LEAK)

    # 李强 follows the topic: the reply, number and all, is in his inbox.
    reader = signed_in(new_page, live_server, owner_building1)
    reader.goto("/inbox/")
    item = reader.locator(".item-list li", has_text="东门是否增设快递柜")
    expect(item).to_contain_text(PHONE)
    screenshot(reader, "inbox-before")

    # Three neighbours report it; it is hidden pending review, and the moderator confirms
    # the hiding in the queue for 泄露个人信息.
    for reporter in (owner, owner_building1, neighbour):
        actions.report_post(leak, reporter, reason="personal_info")
    mod = signed_in(new_page, live_server, moderator)
    mod.goto("/discuss/jinxiu/moderation/")
    queued = mod.locator(".dlb-queue-item", has_text=PHONE)
    queued.locator("input[name=posts]").check()
    mod.get_by_label("操作").select_option("hide")
    mod.get_by_label("隐藏原因").select_option("personal_info")
    mod.get_by_role("button", name="执行").click()
    expect(mod.locator(".messages")).to_contain_text("已处理 1 条")

    # The number is gone from his inbox; the tombstone says why.
    reader.reload()
    expect(reader.locator("main")).not_to_contain_text(PHONE)
    expect(item).to_contain_text("该内容已被隐藏（原因：泄露个人信息（如手机号））")
    assert_fits_screen(reader)
    screenshot(reader, "inbox-after-hide")
    in_english(reader, live_server)
    expect(reader.locator("main")).not_to_contain_text(PHONE)
    screenshot(reader, "inbox-after-hide-en")

    # The author was told once, though the post was hidden by reports and then confirmed.
    author = signed_in(new_page, live_server, tenant)
    author.goto("/inbox/")
    expect(author.locator(".item-list li", has_text="您的发言已被隐藏")).to_have_count(1)
    screenshot(author, "author-inbox")

    # The author appeals; another moderator upholds it; the reply is back in his inbox.
    appeal = actions.appeal(leak, tenant, text="这是物业公示过的值班电话，不是私人号码。")
    actions.decide_appeal(appeal, second_moderator, uphold=True, note="值班电话可以公开。")
    reader.reload()
    expect(reader.locator("main")).to_contain_text(PHONE)
    screenshot(reader, "inbox-after-appeal-en")


def test_an_owner_chooses_email_and_sms_per_category(new_page, live_server, screenshot, owner):
    page = signed_in(new_page, live_server, owner)
    page.goto("/inbox/preferences/")
    for category in ("notice", "assembly", "consultation", "deliberation", "action_item"):
        for channel in ("email", "sms"):
            box = page.locator(f"input[type=checkbox][name={channel}_{category}]")
            expect(box).to_be_visible()
            expect(box).to_be_checked()
    assert_fits_screen(page)
    screenshot(page, "preferences")

    # A person clicks the boxes (by their labels) and saves.
    row = page.locator("tbody tr", has_text="议事")
    row.get_by_label("邮件").uncheck()
    page.locator("tbody tr", has_text="公告").get_by_label(re.compile("短信")).uncheck()
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator(".messages")).to_contain_text("通知偏好已保存")
    expect(page.locator("input[name=email_deliberation]")).not_to_be_checked()
    expect(page.locator("input[name=sms_notice]")).not_to_be_checked()
    expect(page.locator("input[name=email_notice]")).to_be_checked()
    expect(page.get_by_test_id("sms-off-notice")).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "preferences-saved")
    in_english(page, live_server)
    expect(page.locator("input[name=sms_notice]")).not_to_be_checked()
    assert_fits_screen(page)
    screenshot(page, "preferences-en")


def test_acknowledging_a_notice_marks_its_inbox_item_read(
    new_page, live_server, screenshot, estate_a, owner, property_staff
):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    notice = make_notice(
        index,
        title="3栋二次供水水箱清洗停水通知",
        buildings=("3栋",),
        publish_by=property_staff,
        requires_acknowledgement=True,
    )
    page = signed_in(new_page, live_server, owner)
    page.goto("/inbox/")
    item = page.locator(".item-list li", has_text=notice.title)
    expect(item).to_contain_text("未读")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")

    page.goto(notice.url)
    page.get_by_role("button", name=re.compile("已阅")).click()
    expect(page.locator("main")).to_contain_text("已确认。感谢您的阅读")

    page.goto("/inbox/")
    expect(item).not_to_contain_text("未读")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    screenshot(page, "inbox-after-acknowledging")


def test_a_thread_whose_opening_post_is_hidden_keeps_its_title_out_of_the_list(
    new_page, live_server, screenshot, estate_a, owner, owner_building1, moderator
):
    thread = actions.start_thread(
        estate_a,
        owner,
        kind="issue",
        category="complaint",
        title=f"6栋车位被占，车主电话{PHONE}",
        body="每天晚上都被同一辆车占用。",
    )
    actions.hide_post(thread.posts.get(is_opening=True), moderator, reason="personal_info")

    reader = signed_in(new_page, live_server, owner_building1)
    reader.goto("/discuss/jinxiu/")
    expect(reader.locator("main")).not_to_contain_text(PHONE)
    expect(reader.locator("main")).to_contain_text("（该议题的首帖已隐藏或删除）")
    assert_fits_screen(reader)
    screenshot(reader, "thread-list")
    reader.goto(f"/discuss/jinxiu/t/{thread.pk}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("（该议题的首帖已隐藏或删除）")
    expect(reader.locator("main")).not_to_contain_text(PHONE)
    screenshot(reader, "thread")
    in_english(reader, live_server)
    expect(reader.locator("main")).not_to_contain_text(PHONE)
    screenshot(reader, "thread-en")
