"""Journey: a moderator hides an owner's proposal with a reason; another owner then sees the
placeholder "该提案已被隐藏：原因" instead of its title and body, and no support button; the
author still reads the text and may ask for review. At phone width (390 px).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, signed_in
from tests.proposals.conftest import add_owners, propose

pytestmark = pytest.mark.browser

TITLE = "在东门增设智能快递柜"


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_a_moderator_hides_a_proposal_and_another_owner_sees_the_placeholder(
    new_page, live_server, screenshot, estate_a, owner, owner_building1, moderator
):
    add_owners(estate_a, 38)
    proposal = propose(estate_a, owner, title=TITLE, body="<p>门岗堆满包裹，物业管理费太贵。</p>")

    mod = signed_in(new_page, live_server, moderator)
    mod.goto(proposal.get_absolute_url())
    section = mod.locator(".proposal-moderation")
    section.get_by_text("隐藏提案（标题和内容）").click()
    section.get_by_label("辱骂攻击").check()
    section.get_by_label("说明（选填，告知提案人）").fill("请就事论事，不要人身攻击。")
    assert_fits_screen(mod)
    screenshot(mod, "moderator-hides")
    section.get_by_role("button", name="隐藏", exact=True).click()
    expect(mod.locator(".messages")).to_contain_text("提案已隐藏")
    expect(mod.locator("main")).to_contain_text("该提案已被隐藏：辱骂攻击")
    expect(mod.locator(".proposal-hidden-body")).to_contain_text(TITLE)  # the moderator reads it
    screenshot(mod, "moderator-sees-original")

    neighbour = signed_in(new_page, live_server, owner_building1)
    neighbour.goto(proposal.get_absolute_url())
    main = neighbour.locator("main")
    expect(main).to_contain_text("该提案已被隐藏：辱骂攻击")
    expect(main).not_to_contain_text(TITLE)
    expect(main).not_to_contain_text("门岗堆满包裹")
    expect(neighbour.get_by_role("button", name="支持这个提案")).to_have_count(0)
    assert_fits_screen(neighbour)
    screenshot(neighbour, "owner-sees-placeholder")
    neighbour.get_by_role("link", name="← 业主提案").click()
    expect(neighbour.locator("main")).to_contain_text("该提案已被隐藏：辱骂攻击")
    expect(neighbour.locator("main")).not_to_contain_text(TITLE)
    screenshot(neighbour, "list-placeholder")

    author = signed_in(new_page, live_server, owner)
    author.goto(proposal.get_absolute_url())
    expect(author.locator(".proposal-hidden-body")).to_contain_text(TITLE)
    author.get_by_role("link", name="申请复核").click()
    author.get_by_label("申请复核的理由").fill("我只是反映物业费的问题，没有攻击任何人。")
    author.get_by_role("button", name="提交").click()
    expect(author.locator(".messages")).to_contain_text("已申请复核")
    expect(author.locator("main")).to_contain_text("已申请复核，等待版主处理。")
    assert_fits_screen(author)
    screenshot(author, "author-asked-review")


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_under_premoderation_a_proposal_is_unseen_until_a_moderator_approves_its_discussion(
    new_page, live_server, screenshot, estate_a, owner, owner_building1, moderator
):
    from django.urls import reverse

    from deliberation.models import DeliberationSettings

    add_owners(estate_a, 38)
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    title = "在南门增设电动自行车充电桩"
    proposal = propose(estate_a, owner, title=title, body="<p>楼道飞线充电太危险。</p>")
    listing = reverse("proposals:list", args=[estate_a.slug])

    author = signed_in(new_page, live_server, owner)
    author.goto(proposal.get_absolute_url())
    expect(author.locator("main")).to_contain_text("该提案待版主审核")
    expect(author.locator("main")).to_contain_text(title)  # its author reads it, marked
    assert_fits_screen(author)
    screenshot(author, "author-sees-it-waiting")

    neighbour = signed_in(new_page, live_server, owner_building1)
    neighbour.goto(listing)
    expect(neighbour.locator("main")).not_to_contain_text(title)
    expect(neighbour.locator("main")).not_to_contain_text("飞线充电")
    screenshot(neighbour, "list-without-it")

    mod = signed_in(new_page, live_server, moderator)
    mod.goto(reverse("deliberation:moderation_queue", args=[estate_a.slug]))
    queue = mod.url
    item = mod.locator(".dlb-queue-item", has_text=title)
    item.get_by_role("link", name="查看提案全文").click()  # the body is reviewed with it
    expect(mod.locator("main")).to_contain_text("楼道飞线充电太危险")
    expect(mod.locator("main")).to_contain_text("该提案待版主审核")
    screenshot(mod, "moderator-reads-it")
    mod.goto(queue)
    item = mod.locator(".dlb-queue-item", has_text=title)
    item.locator("input[name=posts]").check()
    mod.get_by_label("操作").select_option("restore")
    assert_fits_screen(mod)
    screenshot(mod, "moderator-approves")
    mod.get_by_role("button", name="执行").click()
    expect(mod.locator(".messages")).to_be_visible()

    neighbour.goto(listing)
    expect(neighbour.locator("main")).to_contain_text(title)
    neighbour.get_by_role("link", name=title).click()
    expect(neighbour.get_by_role("button", name="支持这个提案")).to_be_visible()
    screenshot(neighbour, "list-after-approval")
