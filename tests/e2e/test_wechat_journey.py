"""Journeys: signing in with WeChat inside WeChat ends in a verified owner after the phone step;
an urgent notice reaches a WeChat-bound owner on WeChat once, and the link opens the notice.

WeChat's consent page is answered in the browser (Playwright routes open.weixin.qq.com to a
small local page), and WeChat's API (code exchange, user info) by the transport fake in
tests/fake_wechat.py: the live server runs in this process, so it sees the fake too.
Phone width only (390 px), the width at which people use WeChat.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from playwright.sync_api import expect

from portal.community import permissions
from portal.notifications.wechat import LocmemWeChatBackend
from tests import fake_wechat
from tests.e2e.conftest import PHONE, STEP_TIMEOUT_MS
from tests.e2e.helpers import assert_fits_screen, last_sms_code, log_in_by_sms_code
from tests.factories import OwnerIdentityFactory, OwnershipFactory, WeChatAccountFactory
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.browser

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)
AUNT_ZHANG = fake_wechat.WeChatUser(openid="oZhangAyi000001", nickname="张阿姨")


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture
def wechat(monkeypatch, db):
    SocialApp.objects.create(
        provider="weixin",
        name="锦绣街道公众号",
        client_id=fake_wechat.APP_ID,
        secret=fake_wechat.APP_SECRET,
    )
    return fake_wechat.install(monkeypatch)


@pytest.fixture
def wechat_page(browser, live_server):
    """A phone page whose browser says it is WeChat's."""
    context = browser.new_context(
        base_url=live_server.url, user_agent=WECHAT_UA, **PHONE.context_options()
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def answer_consent_pages(page, fake, person) -> None:
    """Stand in for WeChat's consent page: 允许 sends the browser back with a code."""

    def consent(route):
        params = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        back = (
            params["redirect_uri"]
            + "?"
            + urlencode({"code": fake.authorize(person), "state": params["state"]})
        )
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=(
                '<!DOCTYPE html><html lang="zh-CN"><meta name="viewport" '
                'content="width=device-width"><title>微信授权</title><main>'
                f"<h1>锦绣街道公众号 申请获得你的昵称、头像</h1><p>{person.nickname}</p>"
                f'<a href="{back}">允许</a></main></html>'
            ),
        )

    page.route("https://open.weixin.qq.com/**", consent)


def test_wechat_sign_in_ends_in_a_verified_owner_after_the_phone_step(
    wechat_page, screenshot, wechat, world_a
):
    page = wechat_page
    identity = OwnerIdentityFactory(estate=world_a.estate, name="张秀英", mobile="+8613800138000")
    OwnershipFactory(unit=world_a.building1_unit, identity=identity)
    answer_consent_pages(page, wechat, AUNT_ZHANG)

    page.goto("/accounts/login/")
    first = page.get_by_test_id("wechat-first")
    expect(first).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "login-in-wechat")
    first.get_by_role("button", name="微信登录").click()

    page.get_by_role("link", name="允许").click()

    # First time: a name (WeChat's nickname suggested) and consent to the privacy notice.
    expect(page.get_by_role("heading", level=1)).to_have_text("用微信注册共治账户")
    name = page.get_by_label("姓名")
    expect(name).to_have_value("张阿姨")
    name.fill("张秀英")
    page.get_by_label("我已阅读并同意").check()
    assert_fits_screen(page)
    screenshot(page, "signup")
    page.get_by_role("button", name="完成注册并登录").click()

    # Signed in, not an owner: the next step is the mobile number.
    user = SocialAccount.objects.get(uid=AUNT_ZHANG.openid).user
    assert not permissions.is_verified_owner(user, world_a.estate)
    page.locator("input[name=phone]").fill("13800138000")
    screenshot(page, "phone")
    page.locator("form:has(input[name=phone]) button[type=submit]").first.click()
    page.locator("input[name=code]").fill(last_sms_code("+8613800138000"))
    screenshot(page, "code")
    with page.expect_navigation():
        page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("已确认您为锦绣花园的业主")

    page.goto("/me/")
    expect(page.locator("main")).to_contain_text("锦绣花园")
    expect(page.get_by_test_id("wechat-binding")).to_contain_text("已绑定")
    expect(page.get_by_test_id("verify-phone-prompt")).to_have_count(0)
    assert_fits_screen(page)
    screenshot(page, "me")
    user = type(user).objects.get(pk=user.pk)  # roles are read once per user object
    assert user.phone_verified
    assert permissions.is_verified_owner(user, world_a.estate)


def test_an_urgent_notice_reaches_a_wechat_bound_owner_once_and_opens(
    page, screenshot, owner, property_staff, estate_a
):
    from portal.notices.models import NoticeIndexPage

    LocmemWeChatBackend.outbox = []
    WeChatAccountFactory(user=owner, uid="oWangFang0001")
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()

    notice = make_notice(
        index, title="3栋明日停水", buildings=("3栋",), publish_by=property_staff, urgency="urgent"
    )
    # Publishing again (an editor's second save) tells nobody twice.
    notice.save_revision(user=property_staff).publish(user=property_staff)

    [message] = [m for m in LocmemWeChatBackend.outbox if m.openid == "oWangFang0001"]
    assert message.title == "【紧急】3栋明日停水"
    assert message.estate == "锦绣花园"

    # Tapping the message opens the notice.
    log_in_by_sms_code(page, owner.phone)
    page.goto(urlsplit(message.url).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("3栋明日停水")
    og_title = page.locator('meta[property="og:title"]')
    expect(og_title).to_have_attribute("content", "3栋明日停水")
    assert_fits_screen(page)
    screenshot(page, "notice-from-wechat")
