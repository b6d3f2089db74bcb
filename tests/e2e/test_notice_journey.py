"""Journey: property staff publish a notice to 3栋 that needs acknowledging; the owner in 3栋
acknowledges it, the owner in 1栋 is not asked to, and the staff watch the rate change.

The notice is written in the Wagtail admin as staff really do (password + authenticator code,
the page editor, Publish). Runs at phone and desktop widths; assertions read what people see.
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from portal.notices.models import NoticeIndexPage, NoticePage
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code, log_in_with_password_and_totp

pytestmark = pytest.mark.browser

TITLE = "3栋二次供水水箱清洗停水通知"


@pytest.fixture(autouse=True)
def _staff_need_their_authenticator(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = True


@pytest.fixture
def staff_secret(property_staff) -> str:
    """Property staff have set up their authenticator app, as the admin requires."""
    secret = generate_totp_secret()
    TOTP.activate(property_staff, secret)
    return secret


def publish_notice_in_admin(page, screenshot, staff, secret, index: NoticeIndexPage) -> None:
    log_in_with_password_and_totp(page, staff.email, "pass-1234", secret)
    page.goto(f"/admin/pages/add/notices/noticepage/{index.pk}/")
    page.locator("input[name=title]").fill(TITLE)
    page.locator("select[name=category]").select_option("outage")
    page.locator("select[name=urgency]").select_option("important")
    page.locator("input[name=summary]").fill(
        "11月30日 9:00-15:00 清洗水箱，3栋暂停供水，请提前储水。"
    )
    page.get_by_label("3栋").check()
    page.locator("input[name=requires_acknowledgement]").check()
    screenshot(page, "admin-editor")
    # Publish sits in the footer's action menu, behind the "more actions" toggle.
    page.locator(".w-dropdown-button [aria-expanded]").first.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    screenshot(page, "admin-published")


def building3_row(page, notice: NoticePage) -> list[str]:
    """Open the acknowledgement report; return 3栋's cells: building, acknowledged, units, rate."""
    page.goto(f"{notice.url}acknowledgements/")
    expect(page.locator("thead")).to_contain_text("回执率")
    return [cell.strip() for cell in page.locator("tr[data-building='3栋'] > *").all_inner_texts()]


def test_staff_publish_owner_acknowledges_and_the_rate_changes(
    new_page, screenshot, estate_a, property_staff, staff_secret, owner, owner_building1
):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()

    staff = new_page()
    publish_notice_in_admin(staff, screenshot, property_staff, staff_secret, index)
    notice = NoticePage.objects.live().get(title=TITLE)
    assert list(notice.buildings.values_list("name", flat=True)) == ["3栋"]

    # Before anyone reads it: nobody in 3栋 has acknowledged.
    assert building3_row(staff, notice) == ["3栋", "0", "1", "0.0%"]
    screenshot(staff, "report-before")

    # The owner in 3栋 finds it in the notice list, marked as waiting for them, and acknowledges.
    reader = new_page()
    log_in_by_sms_code(reader, owner.phone)
    reader.goto(index.url)
    item = reader.locator("main li, main article").filter(has_text=TITLE).first
    expect(item).to_contain_text("待确认")
    assert_fits_screen(reader)
    screenshot(reader, "owner-index")
    item.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    reader.get_by_role("button", name=re.compile("已阅")).click()
    expect(reader.locator("main")).to_contain_text("已确认。感谢您的阅读")
    assert_fits_screen(reader)
    screenshot(reader, "owner-acknowledged")

    # The owner in 1栋 can read the estate's notices, but this one is not theirs to acknowledge.
    other = new_page()
    log_in_by_sms_code(other, owner_building1.phone)
    other.goto(notice.url)
    expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(other.get_by_role("button", name=re.compile("已阅"))).to_have_count(0)
    expect(other.locator("main")).to_contain_text("您的房屋不在本公告的通知范围内")
    screenshot(other, "building1-owner")

    # The staff reload the report: 3栋 is now fully acknowledged.
    assert building3_row(staff, notice) == ["3栋", "1", "1", "100.0%"]
    screenshot(staff, "report-after")
