"""Journey: a verified owner votes in an open assembly on one form, confirms, gets a receipt
code, and finds it included on the public ledger.

Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.voting.conftest import open_assembly
from voting.models import Ballot, LedgerEntry

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$")


@pytest.fixture
def assembly(estate_a, owner, committee_chair):
    """An assembly of 锦绣花园 open for voting: two resolutions and a committee election."""
    return open_assembly(estate_a, committee_chair)


def _choose(page, motion_title: str, label: str) -> None:
    motion = page.locator(
        "fieldset.motion-field", has=page.locator("legend", has_text=motion_title)
    )
    motion.get_by_label(label, exact=True).check()


def test_owner_votes_on_every_motion_and_finds_the_receipt_on_the_ledger(
    page, screenshot, owner, assembly
):
    log_in_by_sms_code(page, owner.phone)
    expect(page.locator("header")).to_contain_text("退出")

    # The estate's 业主大会 section lists the open assembly.
    page.goto(assembly.get_parent().url)
    page.get_by_role("link", name=assembly.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(assembly.title)
    right = page.locator("section.vote-call")
    expect(right).to_contain_text("1 套房屋，合计 120.50 ㎡，计 1 人")
    assert_fits_screen(page)
    screenshot(page, "assembly")

    right.get_by_role("link", name="去投票").click()
    expect(page.locator("main")).to_contain_text("1 套房屋，合计 120.50 ㎡，计 1 人")
    expect(page.locator("main")).to_contain_text("3栋502")
    _choose(page, "续聘锦城物业服务有限公司", "同意")
    _choose(page, "使用专项维修资金更换 3 栋电梯", "反对")
    election = page.locator(
        "fieldset.motion-field", has=page.locator("legend", has_text="选举第二届业主委员会委员")
    )
    for name in ("王建国", "李秀英", "张伟"):
        election.get_by_label(name, exact=True).check()
    assert_fits_screen(page)
    screenshot(page, "ballot")
    page.get_by_role("button", name="下一步：确认选票").click()

    # The confirmation step repeats every choice in words; nothing is stored yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("请确认您的选票")
    summary = page.locator("dl.ballot-summary")
    expect(summary).to_contain_text("续聘锦城物业服务有限公司")
    expect(summary).to_contain_text("同意")
    expect(summary).to_contain_text("反对")
    expect(summary).to_contain_text("王建国、李秀英、张伟")
    assert Ballot.objects.count() == 0
    assert_fits_screen(page)
    screenshot(page, "confirm")
    page.get_by_role("button", name="确认提交").click()

    # The receipt code is on screen, and the ballot already has its place in the chain.
    expect(page.get_by_role("heading", level=1)).to_have_text("投票回执")
    expect(page.locator(".messages")).to_contain_text("投票成功")
    code = page.locator(".receipt-code").inner_text().strip()
    assert RECEIPT.match(code), code
    expect(page.locator("main")).to_contain_text("账本序号")
    ballot = Ballot.objects.get(receipt_code=code)
    assert LedgerEntry.objects.filter(ballot=ballot, sequence=1).exists()
    assert_fits_screen(page)
    screenshot(page, "receipt")

    # Anyone can check the receipt on the public ledger: typed in lower case, it is found.
    page.get_by_role("link", name="投票账本").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投票账本")
    page.get_by_label("回执码").fill(code.lower())
    page.get_by_role("button", name="核对回执").click()
    found = page.locator(".message-success")
    expect(found).to_contain_text("您的选票已记入账本：第 1 号")
    expect(found).to_contain_text(ballot.ledger_entry.hash)
    expect(page.locator("tr.ledger-found")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("投票结束前不公开表决意见")
    assert_fits_screen(page)
    screenshot(page, "ledger")

    # The chain verifies.
    page.get_by_role("link", name="校验账本").click()
    expect(page.locator(".message-success")).to_contain_text("账本完整")
