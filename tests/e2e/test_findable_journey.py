"""Journey: what issue #13 item 10 found, as a person sees it, in Chinese and in English.

An owner opens the district home page (the laws and guides are linked), finds the assembly
list with each meeting's state and voting dates, sees their own name in the header, and a
tab titled once with the site's name; the property company marks a report solved only with a
note of what was done. Phone and desktop widths (see conftest).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from deliberation import actions as deliberation
from tests.deliberation.conftest import report_issue
from tests.e2e.helpers import assert_fits_screen, signed_in
from tests.voting.conftest import open_assembly

pytestmark = pytest.mark.browser


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_owner_finds_guides_meeting_states_and_their_own_name(
    new_page, live_server, screenshot, estate_a, owner, committee_chair, language
):
    from demo.knowledge import seed_knowledge
    from portal.home.models import HomePage

    seed_knowledge(HomePage.objects.first(), estate_a)
    assembly = open_assembly(estate_a, committee_chair)
    page = signed_in(new_page, live_server, owner, language=language)

    page.goto("/")
    expect(page.locator("header .user-link")).to_have_text(owner.display_name)
    title = page.title()
    assert title.count(_in(language, "共治")) == 1, title
    guides = page.locator(".site-footer").get_by_role("link", name=_in(language, "法规与办事指南"))
    expect(guides).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, f"home-{language}")
    guides.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.rstrip("/").endswith("/guides")

    page.goto(assembly.get_parent().url)
    row = page.locator(".assembly-list li", has_text=assembly.title)
    expect(row.locator("[data-state]")).to_have_text(_in(language, "投票中"))
    opens = timezone.localtime(assembly.voting_opens_at).strftime("%Y-%m-%d")
    expect(row).to_contain_text(opens)
    assert_fits_screen(page)
    screenshot(page, f"assemblies-{language}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_property_company_marks_a_report_solved_only_with_a_note(
    new_page, live_server, screenshot, estate_a, owner, property_staff, language
):
    thread = report_issue(estate_a, owner)
    deliberation.add_post(thread, property_staff, body="已安排师傅上门。", official=True)
    staff = signed_in(new_page, live_server, property_staff, language=language)
    staff.goto(f"/discuss/{estate_a.slug}/t/{thread.pk}/")
    resolve = staff.locator("details#resolve")
    resolve.locator("summary").click()
    button = resolve.locator("button[type=submit]")
    button.click()
    summary = staff.locator("[data-error-summary]")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    screenshot(staff, f"resolve-refused-{language}")
    summary.get_by_role("link").first.click()
    note = staff.locator("#id_note")
    expect(note).to_be_focused()
    note.fill("已更换 5 楼屋面防水卷材约 6 平方米，闭水试验 24 小时无渗漏。")
    staff.locator("#id_note").press("Tab")
    resolve.locator("button[type=submit]").click()
    expect(staff.locator(".dlb-resolutions")).to_contain_text("闭水试验")
    assert re.search(r"/t/\d+/$", staff.url)
    assert_fits_screen(staff)
    screenshot(staff, f"resolved-{language}")
