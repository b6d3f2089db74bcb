"""Journey: an owner proposes a parcel locker; a neighbour's support brings it to the
threshold (5 % of 40 heads = 2); the committee chair answers it into a consultation, and the
draft consultation and the proposal link to each other. At phone width (390 px).

Assertions read what a person sees.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code, signed_in
from tests.proposals.conftest import add_owners

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_an_owner_supports_a_proposal_to_the_threshold_and_the_committee_answers_it(
    new_page, live_server, screenshot, estate_a, owner, owner_building1, committee_chair
):
    add_owners(estate_a, 38)  # 40 heads in all

    # --- 王芳 proposes ---------------------------------------------------------------------
    author = new_page()
    log_in_by_sms_code(author, owner.phone)
    author.goto(estate_a.page.url)
    author.get_by_role("link", name="业主提案").first.click()
    expect(author.get_by_role("heading", level=1)).to_have_text("业主提案")
    author.get_by_role("link", name="提出提案").click()
    author.get_by_label("提案标题").fill("在 3 栋和 5 栋之间增设智能快递柜")
    author.get_by_label("提案内容").fill(
        "快递常堆在东门门岗，丢件时有发生。\n\n建议增设一组智能快递柜。"
    )
    assert_fits_screen(author)
    screenshot(author, "propose")
    author.get_by_role("button", name="发布提案").click()
    main = author.locator("main")
    expect(author.locator(".messages")).to_contain_text("提案已发布")
    expect(main).to_contain_text("1 人支持 · 门槛 2 人")
    expect(main).to_contain_text("征集支持中")
    assert_fits_screen(author)
    screenshot(author, "proposed")

    # --- 李强 supports it: the threshold is reached ----------------------------------------
    neighbour = signed_in(new_page, live_server, owner_building1)
    neighbour.goto(estate_a.page.url)
    todo = neighbour.locator(".todo")
    expect(todo).to_contain_text("提案支持")
    assert_fits_screen(neighbour)
    screenshot(neighbour, "estate-page-to-do")
    todo.get_by_role("link", name="在 3 栋和 5 栋之间增设智能快递柜").click()
    neighbour.get_by_role("button", name="支持这个提案").click()
    expect(neighbour.locator(".messages")).to_contain_text("提案已达到支持门槛")
    expect(neighbour.locator("main")).to_contain_text("2 人支持 · 门槛 2 人")
    expect(neighbour.locator("main")).to_contain_text("待答复")
    expect(neighbour.locator("main")).to_contain_text("您已支持")
    assert_fits_screen(neighbour)
    screenshot(neighbour, "threshold-reached")

    # --- the committee chair answers it into a consultation ---------------------------------
    chair = signed_in(new_page, live_server, committee_chair)
    chair.goto("/inbox/")
    expect(chair.locator("main")).to_contain_text("一项业主提案达到支持门槛")
    proposal = Proposal.objects.get()
    chair.goto(proposal.get_absolute_url())
    form = chair.locator("form.answer-form")
    form.get_by_label("采纳", exact=True).check()
    form.get_by_label("答复内容").fill("业委会采纳，先就选址和运营方式征求全体业主意见。")
    form.get_by_label("采纳后转为").select_option(label="征求意见")
    assert not form.locator("details").first.evaluate("d => d.open")
    assert_fits_screen(chair)
    screenshot(chair, "answer-form")
    form.get_by_role("button", name="公开答复").click()
    expect(chair.locator(".messages")).to_contain_text("答复已公开")
    answer = chair.locator(".proposal-answer")
    expect(answer).to_contain_text("已采纳")
    expect(answer).to_contain_text("按时答复")
    expect(answer).to_contain_text("已转为征求意见：在 3 栋和 5 栋之间增设智能快递柜")
    screenshot(chair, "answered")

    # The draft consultation links back to the proposal once the committee publishes it.
    proposal.refresh_from_db()
    consultation = proposal.consultation
    consultation.save_revision().publish()
    author.goto(consultation.url)
    expect(author.locator(".source-proposals")).to_contain_text("在 3 栋和 5 栋之间增设智能快递柜")
    author.locator(".source-proposals").get_by_role("link").click()
    expect(author.locator(".proposal-answer")).to_contain_text("已转为征求意见")
    expect(author.locator(".proposal-answer").get_by_role("link")).to_have_text(
        "在 3 栋和 5 栋之间增设智能快递柜"
    )
    assert_fits_screen(author)
    screenshot(author, "linked-both-ways")
