"""Journey: the committee follows turnout while voting runs, then certifies the result.

At phone and desktop widths. While voting is open the turnout chart shows participation
only; after the close the chair certifies, which publishes the 决议公告, and the results
page shows each motion's outcome with the files to download.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.voting.conftest import full_choices, open_assembly, right_of
from voting import actions
from voting.models import AssemblyPage

pytestmark = pytest.mark.browser


def test_chair_follows_turnout_and_certifies_the_result(
    page, screenshot, estate_a, committee_chair, owner, owner_building1
):
    assembly = open_assembly(estate_a, committee_chair)
    for user in (owner, owner_building1):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel="online",
            cast_by=user,
        )
    log_in_by_sms_code(page, committee_chair.phone)

    page.goto(f"/assemblies/{assembly.pk}/turnout/")
    expect(page.get_by_role("heading", level=1)).to_have_text("投票进度")
    expect(page.locator("figure.turnout-chart svg")).to_be_visible()
    expect(page.locator("main")).to_contain_text("100.00%")  # 1栋 and 3栋 both voted
    expect(page.locator("main")).not_to_contain_text("同意面积")
    assert_fits_screen(page)
    screenshot(page, "turnout")

    actions.close_voting(assembly, now=assembly.voting_closes_at)
    page.goto(f"/assemblies/{assembly.pk}/manage/")
    expect(page.locator("main")).to_contain_text("结果公布期限")
    screenshot(page, "manage-closed")
    page.get_by_role("link", name="核定表决结果并发布决议公告…").click()
    expect(page.locator("main")).to_contain_text("核定后表决结果不能修改")
    page.get_by_role("button", name="确认核定并发布决议公告").click()
    expect(page.locator("main")).to_contain_text("决议公告已发布")

    page.goto(f"/assemblies/{assembly.pk}/results/")
    expect(page.locator("main")).to_contain_text("业主委员会已于")
    expect(page.locator("main")).to_contain_text("续聘锦城物业服务有限公司")
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "results")

    notice = AssemblyPage.objects.get(pk=assembly.pk).result.notice
    page.goto(notice.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("决议公告")
    assert_fits_screen(page)
    screenshot(page, "notice")
