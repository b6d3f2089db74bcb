"""Journey (issue #13, item 9): the committee chair starts a 停水 notice from a template.

The chair finds 新建公告 in the admin menu, picks the template from the gallery, chooses 3栋
and the times with the browser's pickers, and lands in the editor with a draft signed by the
committee, 重要 rather than 紧急, scoped to 3栋 with its effective window set. Phone and
desktop; the gallery and the form also in English.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from portal.notices.models import NoticeIndexPage, NoticePage
from tests.e2e.helpers import log_in_with_password_and_totp

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _staff_need_their_authenticator(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = True


@pytest.fixture
def notice_index(estate_a) -> NoticeIndexPage:
    return NoticeIndexPage.objects.descendant_of(estate_a.page).get()


@pytest.fixture
def chair_secret(committee_chair) -> str:
    secret = generate_totp_secret()
    TOTP.activate(committee_chair, secret)
    return secret


def test_the_chair_starts_a_water_notice_from_a_template(
    page, viewport, screenshot, committee_chair, chair_secret, notice_index
):
    log_in_with_password_and_totp(page, committee_chair.email, "pass-1234", chair_secret)

    # 新建公告 is in the admin menu, not behind a ⋯.
    page.goto("/admin/")
    menu_link = page.locator("a[href='/admin/notices/new/']").first
    if viewport.name == "desktop":
        expect(menu_link).to_be_visible()
        menu_link.click()
    else:  # the phone's sidebar is folded away; the link is in it all the same
        expect(menu_link).to_have_count(1)
        page.goto(menu_link.get_attribute("href"))

    # The gallery: the estate's templates and the district library, and a blank notice.
    expect(page.locator("h1")).to_contain_text("从模板新建公告")
    row = page.locator("[data-testid=template-list] li", has_text="{楼栋}临时停水通知")
    expect(row).to_be_visible()
    expect(page.get_by_role("link", name="不用模板，新建空白公告")).to_be_visible()
    screenshot(page, "gallery")
    row.get_by_role("link", name="使用此模板").click()

    # The form: issuer and urgency default from who is writing; scope and times are fields.
    expect(page.get_by_label("业主委员会")).to_be_checked()
    expect(page.locator("input[name=urgency][value=important]")).to_be_checked()
    page.get_by_role("checkbox", name="3栋", exact=True).check()
    page.locator("input[name=effective_from]").fill("2026-12-02T09:00")
    page.locator("input[name=effective_until]").fill("2026-12-02T17:00")
    page.get_by_label("原因").fill("二次供水水箱清洗")
    page.get_by_label("联系电话").fill("0571-88886666")
    screenshot(page, "form")
    page.get_by_role("button", name="创建草稿").click()

    # The editor opens on the draft, with real fields set.
    expect(page.locator("input[name=title]")).to_have_value("3栋临时停水通知")
    expect(page.locator("select[name=issuer]")).to_have_value("committee")
    expect(page.locator("select[name=urgency]")).to_have_value("important")
    expect(page.get_by_role("checkbox", name="3栋", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="1栋", exact=True)).not_to_be_checked()
    expect(page.locator("input[name=effective_from]")).to_have_value("2026-12-02 09:00")
    screenshot(page, "editor")
    notice = NoticePage.objects.get(title="3栋临时停水通知")
    assert not notice.live and [b.name for b in notice.buildings.all()] == ["3栋"]

    # The same gallery and form in English (the admin follows the user's chosen language).
    profile = UserProfile.get_for_user(committee_chair)
    profile.preferred_language = "en"
    profile.save()
    page.goto("/admin/notices/new/")
    expect(page.locator("[data-testid=template-list]").first).to_be_visible()
    screenshot(page, "gallery-en")
    page.locator("[data-testid=template-list] li", has_text="{楼栋}临时停水通知").locator(
        "a.button"
    ).click()
    expect(page.locator("input[name=effective_from]")).to_be_visible()
    screenshot(page, "form-en")


def test_the_template_list_offers_the_library_to_estate_staff(
    page, screenshot, committee_chair, chair_secret, notice_index
):
    log_in_with_password_and_totp(page, committee_chair.email, "pass-1234", chair_secret)
    page.goto("/admin/snippets/notices/noticetemplate/")
    row = page.locator("tbody tr", has_text="{楼栋}临时停水通知")
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name="用此模板新建公告")).to_be_visible()
    screenshot(page, "template-list")
    row.get_by_role("link", name="用此模板新建公告").click()
    expect(page.locator("input[name=effective_from]")).to_be_visible()


def test_a_blank_notice_points_to_the_templates_and_is_signed_by_the_committee(
    page, screenshot, committee_chair, chair_secret, notice_index
):
    log_in_with_password_and_totp(page, committee_chair.email, "pass-1234", chair_secret)
    page.goto(f"/admin/pages/add/notices/noticepage/{notice_index.pk}/")
    hint = page.get_by_test_id("start-from-template")
    expect(hint).to_be_visible()
    expect(page.locator("select[name=issuer]")).to_have_value("committee")
    expect(page.locator("select[name=urgency]")).to_have_value("normal")
    screenshot(page, "blank-editor")
    hint.get_by_role("link", name="从模板新建公告").click()
    expect(page.locator("[data-testid=template-list]").first).to_be_visible()
