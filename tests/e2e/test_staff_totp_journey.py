"""Journey: the committee chair, a man in his sixties, sets up his authenticator app alone
and gets into the admin, where he sees his own name; later he signs in by SMS to vote as
an owner without any code, and the admin asks for it at its door (issue #13.7).

Runs at phone and desktop widths. No request may leave the browser for gravatar.com
(unreachable in mainland China, and a third party besides).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.community import actions as community_actions
from tests.e2e.helpers import assert_fits_screen, current_totp, log_in_by_sms_code
from tests.factories import OwnerIdentityFactory, OwnershipFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _staff_need_their_authenticator(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = True


@pytest.fixture
def chair(world_a, committee_chair):
    """陈建国 chairs 锦绣花园's committee and owns 1栋101."""
    identity = OwnerIdentityFactory(
        estate=world_a.estate, name=committee_chair.display_name, mobile=committee_chair.phone
    )
    OwnershipFactory(unit=world_a.building1_unit, identity=identity)
    community_actions.link_identity(identity, committee_chair, how="test")
    return committee_chair


def _record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _expect_his_name_in_the_admin(page, chair, viewport) -> None:
    """The admin names him as people know him, where he looks: the sidebar's account
    entry (opened with the menu button on a phone)."""
    if viewport.is_mobile:
        page.get_by_role("button", name="切换侧边栏").first.click()
    account = page.locator("#wagtail-sidebar").get_by_text("陈建国")
    expect(account.first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(chair.username)


def _confirm_it_is_him(page, screenshot) -> None:
    """allauth asks for the password once more before an app is added."""
    expect(page.locator("main")).to_contain_text("密码")
    screenshot(page, "reauthenticate")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=password]").fill("pass-1234")
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


def test_the_chair_sets_up_his_app_alone_and_reaches_the_admin(page, screenshot, viewport, chair):
    requests = _record_requests(page)
    log_in_by_sms_code(page, chair.phone)
    # Signed in by SMS as an owner: no code was asked; the header offers the admin.
    expect(page.locator("header")).to_contain_text("退出")
    page.locator("header [data-testid=admin-link]").click()
    page.wait_for_load_state()

    if "/reauthenticate/" in page.url:
        _confirm_it_is_him(page, screenshot)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置身份验证器")
    main = page.locator("main")
    for app in ("腾讯身份验证器", "Microsoft Authenticator", "Google Authenticator"):
        expect(main).to_contain_text(app)
    expect(main).to_contain_text("第三步：输入数字")
    assert_fits_screen(page)
    screenshot(page, "set-up")

    # Setting up on the phone that shows the page: he types the key instead of scanning.
    page.get_by_text("本页就在这部手机上，扫不了？").click()
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    page.locator("input[name=code]").fill(current_totp(secret))
    page.get_by_role("button", name="完成设置").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("保存恢复码")
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    assert_fits_screen(page)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="我已保存，进入管理后台").click()
    page.wait_for_load_state()

    assert re.search(r"/admin/", page.url), page.url
    _expect_his_name_in_the_admin(page, chair, viewport)
    screenshot(page, "admin")
    assert not [url for url in requests if "gravatar" in url], requests


def test_the_chair_votes_by_sms_without_a_code_and_the_admin_asks_at_its_door(
    page, screenshot, viewport, chair
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(chair, secret)
    requests = _record_requests(page)

    log_in_by_sms_code(page, chair.phone)
    # Owner business: straight to his estate, no authenticator code.
    expect(page.get_by_role("heading", level=1)).to_have_text("锦绣花园")
    expect(page.locator("main")).not_to_contain_text("您还不是本小区的成员")
    screenshot(page, "owner-home")

    page.locator("header [data-testid=admin-link]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("进入管理工作前，请验证身份")
    expect(page.locator("main")).to_contain_text("腾讯身份验证器")
    assert_fits_screen(page)
    screenshot(page, "step-up")

    code = current_totp(secret)
    wrong = "000000" if code != "000000" else "111111"
    page.locator("input[name=code]").fill(wrong)
    page.get_by_role("button", name="验证").click()
    expect(page.locator("main")).to_contain_text("数字不对")
    screenshot(page, "step-up-wrong")

    page.locator("input[name=code]").fill(current_totp(secret))
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
    assert "/admin/" in page.url, page.url
    _expect_his_name_in_the_admin(page, chair, viewport)
    screenshot(page, "admin-after-step-up")
    assert not [url for url in requests if "gravatar" in url], requests
