"""Journey: an owner reports a broken street lamp from the phone with a photo taken there,
and the report shows its thumbnail; a neighbour sees it too, an owner of another estate
does not get the photo.

Runs at phone and desktop widths (see conftest); the brief's bar is 390 px. Assertions read
what a person sees.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.photos import phone_jpeg

pytestmark = pytest.mark.browser


def test_an_owner_reports_an_issue_with_a_photo_from_the_phone_and_sees_its_thumbnail(
    new_page, screenshot, owner, tenant, outsider
):
    page = new_page()
    log_in_by_sms_code(page, owner.phone)
    page.goto("/discuss/jinxiu/new/")
    page.get_by_label("类型").select_option("issue")
    page.get_by_label("问题类别").select_option("repair")
    page.get_by_label("标题").fill("5栋门口路灯不亮")
    page.get_by_label("内容").fill("5栋门口的路灯坏了三天，晚上很黑，老人出门不方便。")
    camera = page.get_by_label("拍照")
    expect(camera).to_have_attribute("capture", "environment")
    camera.set_input_files(
        {
            "name": "IMG_0412.jpg",
            "mimeType": "image/jpeg",
            "buffer": phone_jpeg(size=(640, 480)).read(),
        }
    )
    assert_fits_screen(page)
    screenshot(page, "report-with-photo")
    page.get_by_role("button", name="发布").click()

    expect(page.locator(".messages")).to_contain_text("已发布")
    thumbnail = page.get_by_role("img", name="现场照片 1")
    expect(thumbnail).to_be_visible()
    # Lazy loading: wait until the image has loaded (a broken one measures 0 wide).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    assert_fits_screen(page)
    screenshot(page, "report-thumbnail")
    photo_url = thumbnail.locator("xpath=..").get_attribute("href")
    report_url = page.url

    neighbour = new_page()
    log_in_by_sms_code(neighbour, tenant.phone)
    neighbour.goto(report_url)
    expect(neighbour.get_by_role("img", name="现场照片 1")).to_be_visible()

    stranger = new_page()
    log_in_by_sms_code(stranger, outsider.phone)
    assert stranger.goto(photo_url).status == 403
