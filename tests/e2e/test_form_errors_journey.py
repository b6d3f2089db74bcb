"""Journey: an owner on a phone ticks too many boxes; the refusal is in view, not 3,000 px down.

The browser stops a third tick on a "最多选两项" question; a browser without that script (or a
hand-made request) still reaches the server, which refuses the whole response. The page then
opens with the error summary in view, focused, each item a link that moves to its field, and
every answer the owner gave still ticked. Runs at phone and desktop widths, in Chinese and
English (see conftest).
"""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from consultations.models import Response
from tests.consultations.conftest import consultation_index as consultation_index  # noqa: F401
from tests.consultations.conftest import make_consultation, question
from tests.e2e.helpers import assert_fits_screen, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.presentation]

LONG_SECTION = "<p>" + "地面共有车位优先出租给本小区业主，每户限租一个，租期一年。" * 40 + "</p>"


def _first_screen(page, screenshot, step: str) -> None:
    """Save what the person sees now (the viewport, not the whole page) beside the others."""
    path = screenshot(page, step)
    page.screenshot(path=str(path.with_name(path.stem + "-viewport.png")))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_third_tick_is_stopped_and_the_refusal_is_in_view_with_links_to_the_field(
    new_page, live_server, screenshot, consultation_index, owner, language
):
    # What a reader of that language sees, from the same catalogue the site uses.
    with translation.override(language):
        refused_heading = gettext("提交未成功，请修改以下内容")
        limit_note = ngettext(
            "已选满 %(n)s 项。如需改选，请先取消一项。",
            "已选满 %(n)s 项。如需改选，请先取消一项。",
            2,
        ) % {"n": 2}
    consultation = make_consultation(consultation_index)
    # A long draft, as in the demo, so the questionnaire starts far below the first screen.
    for section in consultation.sections.all():
        section.body = LONG_SECTION
        section.save()
    multiple = question(consultation, "multiple")
    page = signed_in(new_page, live_server, owner, language=language)
    page.goto(consultation.url)

    boxes = page.locator(f"input[name={multiple.field_name}]")
    page.locator(f"#{question(consultation, 'single').field_name}-1").check()
    boxes.nth(0).check()
    boxes.nth(1).check()
    # The browser stops the third tick, says why, and frees the boxes again on an untick.
    expect(boxes.nth(2)).to_be_disabled()
    expect(page.locator(f"#question-{multiple.pk} [data-choice-limit-note]")).to_contain_text(
        limit_note
    )
    screenshot(page, f"limit-{language}")
    boxes.nth(1).uncheck()
    expect(boxes.nth(2)).to_be_enabled()
    boxes.nth(1).check()

    # A browser without the script sends three: the server refuses and stores nothing.
    boxes.nth(2).evaluate("box => { box.disabled = false; box.checked = true; }")
    page.locator("#response-form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(refused_heading)
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    assert page.evaluate("() => window.scrollY") < 400, "the page opened scrolled down"
    assert Response.objects.count() == 0
    screenshot(page, f"refused-{language}")
    _first_screen(page, screenshot, f"refused-{language}")
    assert_fits_screen(page)

    # Every answer the owner gave is kept, all three ticks included.
    for n in range(3):
        expect(boxes.nth(n)).to_be_checked()
    expect(page.locator(f"#{question(consultation, 'single').field_name}-1")).to_be_checked()

    # The summary's link moves to the question: its first box is focused, its legend in view,
    # and the message sits beside the boxes, tied to the group by aria-describedby.
    summary.get_by_role("link").first.click()
    first_box = page.locator(f"#{multiple.field_name}-1")
    expect(first_box).to_be_focused()
    expect(page.locator(f"#question-{multiple.pk} legend")).to_be_in_viewport()
    group = page.locator(f"#question-{multiple.pk}")
    expect(group).to_have_attribute("aria-describedby", f"{multiple.field_name}-error")
    expect(page.locator(f"#{multiple.field_name}-error")).to_be_visible()
    _first_screen(page, screenshot, f"moved-to-field-{language}")

    # Untick one and send again: accepted.
    boxes.nth(2).uncheck()
    page.locator("#response-form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Response.objects.count() == 1
