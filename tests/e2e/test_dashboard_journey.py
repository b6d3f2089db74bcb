"""Journey: a sub-district official reads the dashboard across both estates, drills into an
overdue action item and exports a table; an official of another area sees neither estate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.oversight.models import ActionItem
from portal.community import actions
from portal.community.choices import Party, RoleKind
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_item(estate_a, committee_chair):
    return ActionItem.objects.create(
        estate=estate_a,
        title="3栋屋顶防水层修复",
        description="联席会议决定：物业在两周内完成 3栋屋顶防水层修复，并提交验收照片。",
        responsible_party=Party.PROPERTY,
        due_date=timezone.localdate() - timedelta(days=10),
        created_by=committee_chair,
    )


@pytest.fixture
def official_elsewhere(sub_district):
    """A community official of a third community, with no estate of ours in their area."""
    community = CommunityFactory(sub_district=sub_district, name="西湖社区")
    user = UserFactory(display_name="孙丽")
    actions.grant_role(user, RoleKind.COMMUNITY_OFFICIAL, community=community)
    return user


def test_sub_district_official_drills_into_an_overdue_item_and_exports(
    page, screenshot, subdistrict_official, estate_a, estate_b, overdue_item
):
    log_in_by_sms_code(page, subdistrict_official.phone)
    page.get_by_role("link", name="看板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("治理成效看板")
    table = page.locator("section", has=page.get_by_role("heading", name="督办事项与联席会议"))
    expect(table.locator("tr[data-estate='jinxiu'] th")).to_have_text("锦绣花园")
    expect(table.locator(f"tr[data-estate='{estate_b.slug}'] th")).to_have_text(estate_b.name)
    expect(page.locator(".dashboard-alerts")).to_contain_text("3栋屋顶防水层修复")
    assert_fits_screen(page)
    screenshot(page, "board")

    # The overdue figure of 锦绣花园 leads to the item behind it.
    overdue_column = 4  # 新立督办, 已完成, 进行中, 已逾期 after the estate's name
    table.locator("tr[data-estate='jinxiu'] td").nth(overdue_column - 1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("督办事项")
    screenshot(page, "drill")
    page.get_by_role("link", name="3栋屋顶防水层修复").click()
    expect(page.locator("main")).to_contain_text("联席会议决定")
    screenshot(page, "item")

    page.go_back()
    page.go_back()
    with page.expect_download() as download_info:
        table.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "锦绣花园" in text and estate_b.name in text


def test_an_official_of_another_area_sees_neither_estate(
    page, screenshot, official_elsewhere, estate_a, estate_b
):
    log_in_by_sms_code(page, official_elsewhere.phone)
    page.get_by_role("link", name="看板").click()
    expect(page.locator("main")).to_contain_text("您负责的区域内还没有小区")
    expect(page.locator("main")).not_to_contain_text("锦绣花园")
    expect(page.locator("main")).not_to_contain_text(estate_b.name)
    screenshot(page, "refused")
