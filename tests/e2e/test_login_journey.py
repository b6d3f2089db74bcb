"""Journey: an owner logs in with an SMS code and finds their estate; an outsider is refused.

Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.community.choices import Visibility
from portal.home.models import StandardPage
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code

pytestmark = pytest.mark.browser


@pytest.fixture
def members_page(estate_a) -> StandardPage:
    """A page of 锦绣花园 only its members may read."""
    return estate_a.page.add_child(
        instance=StandardPage(
            title="业主议事规则（草案）",
            slug="rules-draft",
            visibility=Visibility.MEMBERS,
            body=[("paragraph", "<p>业主大会会议每年至少召开一次，由业主委员会召集。</p>")],
        )
    )


def test_owner_logs_in_with_sms_code_and_sees_their_estate(page, screenshot, owner, members_page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    log_in_by_sms_code(page, owner.phone, screenshot=screenshot)
    screenshot(page, "after-login")

    # Logged in: the header shows their own name (in full: it is theirs) and a way out.
    header = page.locator("header")
    expect(header).to_contain_text(owner.display_name)
    expect(header).to_contain_text("退出")

    page.get_by_role("link", name="锦绣花园").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("锦绣花园")
    expect(page.locator("main")).to_contain_text("公告")
    expect(page.locator("main")).not_to_contain_text("您还不是本小区的成员")
    assert_fits_screen(page)
    screenshot(page, "estate-home")

    # As a member, they find the members-only page on the estate's home and open it.
    page.get_by_role("link", name="业主议事规则（草案）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("业主议事规则（草案）")
    expect(page.locator("main")).to_contain_text("由业主委员会召集")


def test_owner_of_another_estate_is_refused_a_members_only_page(
    page, screenshot, outsider, members_page
):
    log_in_by_sms_code(page, outsider.phone)
    expect(page.locator("header")).to_contain_text("退出")

    # 锦绣花园's home is public, but it does not list the members-only page to them...
    page.goto("/jinxiu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("锦绣花园")
    expect(page.locator("main")).to_contain_text("您还不是本小区的成员")
    expect(page.locator("main")).not_to_contain_text("业主议事规则")

    # ...and the page itself refuses them.
    response = page.goto(members_page.url)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("没有权限")
    expect(page.locator("main")).not_to_contain_text("由业主委员会召集")
    assert_fits_screen(page)
    screenshot(page, "refused")


def test_staff_code_typed_just_before_its_window_ends_still_signs_in(
    page, property_staff, settings
):
    """The authenticator code is checked in the window it was computed in, however slowly
    the machine gets from typing it to the server: the flaky sign-in of a busy CI run."""
    import time

    import time_machine
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.e2e.helpers import enter_totp_code

    settings.GONGZHI_REQUIRE_STAFF_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(property_staff, secret)
    property_staff.set_password("pass-1234")
    property_staff.save(update_fields=["password"])
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(property_staff.email)
    form.locator("input[name=password]").fill("pass-1234")
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()
    # The staff area's door asks for the code (the step-up, portal.accounts.mfa).
    page.goto("/admin/")
    page.locator("form:has(input[name=code])").wait_for()
    # 20 ms before the 30-second window turns: filling in and sending take longer than that.
    window_end = (int(time.time()) // 30 + 1) * 30
    with time_machine.travel(window_end - 0.02, tick=True):
        enter_totp_code(page, secret)
    expect(page).to_have_url(re.compile(r"/admin/"))
    expect(page.locator("form:has(input[name=code])")).to_have_count(0)
