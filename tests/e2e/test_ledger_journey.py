"""Journey: after the close, a resident reads the ballot ledger as a public document.

At phone and desktop widths, in Chinese and in English. The ledger says, in words, what each
ballot chose on each motion (motion titles, 同意／反对／弃权, the candidates' names), how it
was cast, and when in Beijing time; the JSON keeps UTC for whoever recomputes the chain.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.voting.conftest import full_choices, motions_of, open_assembly, right_of
from voting import actions
from voting.models import Ballot, LedgerPublication

pytestmark = pytest.mark.browser

BEIJING_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@pytest.fixture
def closed_assembly(estate_a, committee_chair, owner, owner_building1):
    assembly = open_assembly(estate_a, committee_chair)
    resolution, special, _election = motions_of(assembly)
    for user, choices in (
        (owner, full_choices(assembly)),
        (
            owner_building1,
            {**full_choices(assembly), resolution.pk: "abstain", special.pk: "agree"},
        ),
    ):
        actions.cast_ballot(
            assembly, right_of(user, assembly), choices, channel="online", cast_by=user
        )
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    return assembly


def test_a_resident_reads_the_closed_ledger_in_words_in_chinese_and_english(
    page, screenshot, tenant, owner, closed_assembly
):
    log_in_by_sms_code(page, tenant.phone)
    page.goto(f"/assemblies/{closed_assembly.pk}/ledger/")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("投票账本")
    expect(main).to_contain_text("谁可以查看")
    rows = page.locator("table.ledger-table tbody tr")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    expect(first).to_contain_text("续聘锦城物业服务有限公司")
    expect(first).to_contain_text("线上投票")
    expect(main).to_contain_text("同意")
    expect(main).to_contain_text("反对")
    expect(main).to_contain_text("弃权")
    expect(main).to_contain_text("王建国")  # an elected candidate by name, not by id
    expect(main).not_to_contain_text("{'")
    expect(main).not_to_contain_text("online")
    time_cell = first.locator("td").nth(1).inner_text().strip()
    assert BEIJING_TIME.fullmatch(time_cell), time_cell
    ballot = Ballot.objects.get(assembly=closed_assembly, ledger_entry__sequence=1)
    local = ballot.cast_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert time_cell == local.strftime("%Y-%m-%d %H:%M:%S")
    expect(main).to_contain_text("末端哈希")
    assert_fits_screen(page)
    screenshot(page, "zh")

    # The owner finds their ballot by its receipt and checks its choices.
    mine = Ballot.objects.get(assembly=closed_assembly, cast_by=owner)
    page.get_by_label("回执码").fill(mine.receipt_code)
    page.get_by_role("button", name="核对回执").click()
    expect(page.locator(".message-success")).to_contain_text("请核对该条公开的表决意见")
    expect(page.locator("tr.ledger-found")).to_have_count(1)

    # The 投票结束公告 states the chain; pasting its line on the verify page checks it.
    closing = LedgerPublication.objects.get(assembly=closed_assembly, moment="closed")
    page.goto(closing.notice.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("投票结束公告")
    expect(page.locator("main")).to_contain_text(closing.line)
    assert_fits_screen(page)
    screenshot(page, "closing-notice")
    page.goto(f"/assemblies/{closed_assembly.pk}/ledger/verify/")
    page.get_by_label("已公布的校验行").fill(closing.line)
    page.get_by_role("button", name="核对").click()
    expect(page.locator(".message-success")).to_contain_text("账本完整")
    expect(page.locator(".message-success")).to_contain_text("与已公布的")
    assert_fits_screen(page)
    screenshot(page, "verify")

    # The same page in English: the reader's language, the owners' words (titles, names).
    site = page.url.split("/assemblies/")[0] + "/"
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.goto(f"/assemblies/{closed_assembly.pk}/ledger/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("续聘锦城物业服务有限公司")
    assert_fits_screen(page)
    screenshot(page, "en")
