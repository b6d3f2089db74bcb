"""Journey: an elderly owner turns on 长辈模式 from the header and walks the estate's pages.

At phone (390 px) and desktop widths (see conftest). On every page the browser measures what
the 适老化 guidance asks for, and the journey fails naming what falls short:

- body text at least 18 px, and no visible text smaller than 18 px (charts drawn in SVG aside);
- every visible link, button, field, select and summary at least 48 × 48 px. The rule chosen
  is the strict one: links inside running text are held to it as well (elder.css makes every
  link a 48 px box), with a single exception: a box to tick (checkbox, radio) is tapped
  through its label, so the label is measured;
- the page no wider than the screen;
- no two visible interactive elements overlapping.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from deliberation import actions as deliberation_actions
from portal.accounts import elder
from portal.notices.models import NoticeIndexPage
from tests.e2e.helpers import signed_in
from tests.notices.conftest import make_notice
from tests.voting.conftest import open_assembly

pytestmark = [pytest.mark.browser, pytest.mark.presentation]

MEASURE = """() => {
  const visible = (el) => {
    // checkVisibility sees what a closed <details> hides, as well as display and visibility.
    if (!el.checkVisibility({ checkVisibilityCSS: true })) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    if (el.closest('[hidden], .visually-hidden')) return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    // Parked off the page until focused (the skip link).
    return box.right > 0 && box.bottom + window.scrollY > 0;
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return `<${el.tagName.toLowerCase()}${el.className ? ' class=' + el.className : ''}> "${text.slice(0, 24)}"`;
  };
  const target = (el) => {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) return label;
    }
    return el;
  };
  const targets = [...new Set(
    [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
      .filter(visible).map(target)
  )];
  const boxes = targets.map((el) => ({ el, box: el.getBoundingClientRect() }));
  const tooSmall = boxes
    .filter(({ box }) => box.height < 47.5 || box.width < 47.5)
    .map(({ el, box }) => `${name(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (x > 0.5 && y > 0.5) overlaps.push(`${name(a.el)} × ${name(b.el)}`);
    }
  }
  const smallText = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg, script, style, noscript') || !visible(el)) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (ownText && size < 17.5) smallText.push(`${name(el)} ${size}px`);
  }
  return {
    elder: document.documentElement.classList.contains('elder'),
    bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
    lineHeight: parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    tooSmall, overlaps, smallText,
  };
}"""


def assert_fit_for_elders(page: Any, where: str) -> None:
    """Measure the page in the browser and fail naming every element that falls short."""
    page.wait_for_load_state()
    found = page.evaluate(MEASURE)
    assert found["elder"], f"{where}: the page is not in 长辈模式"
    assert found["bodyFont"] >= 18, f"{where}: body text is {found['bodyFont']}px"
    assert found["lineHeight"] >= 1.6, f"{where}: line-height is {found['lineHeight']:.2f}"
    assert found["scrollWidth"] <= found["clientWidth"], (
        f"{where}: the page is {found['scrollWidth']}px wide on a {found['clientWidth']}px screen"
    )
    assert not found["smallText"], f"{where}: text under 18px: {found['smallText']}"
    assert not found["tooSmall"], f"{where}: tap targets under 48×48px: {found['tooSmall']}"
    assert not found["overlaps"], f"{where}: interactive elements overlap: {found['overlaps']}"


@pytest.fixture
def notice(estate_a, property_staff):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    return make_notice(
        index,
        title="3栋电梯年检停运通知",
        summary="12月10日 8:30-11:30 3栋两部电梯年检，暂停使用，请走楼梯或稍后出行。",
        publish_by=property_staff,
    )


@pytest.fixture
def assembly(estate_a, committee_chair):
    return open_assembly(estate_a, committee_chair)


@pytest.fixture
def thread(estate_a, owner_building1):
    started = deliberation_actions.start_thread(
        estate_a,
        owner_building1,
        kind="topic",
        title="小区东门是否增设快递柜",
        body="东门每天快递堆在门卫室，老人取件不方便。大家觉得在东门加一组快递柜好不好？",
    )
    return started


def test_an_elderly_owner_turns_on_elder_mode_and_every_page_is_large_and_uncrowded(
    new_page, live_server, screenshot, owner, estate_a, notice, assembly, thread
):
    page = signed_in(new_page, live_server, owner)

    # The estate home in the standard mode: the switch is in the header, labelled.
    page.goto(estate_a.page.url)
    expect(page.locator("html")).not_to_have_class("elder")
    switch = page.locator("header").get_by_role("button", name="长辈模式")
    expect(switch).to_be_visible()
    screenshot(page, "standard-home")

    # One press, and the same page comes back in large type.
    switch.click()
    expect(page.locator("html")).to_have_class("elder")
    assert page.url.rstrip("/").endswith(estate_a.page.url.rstrip("/"))
    expect(page.locator("header").get_by_role("button", name="标准模式")).to_be_visible()
    owner.refresh_from_db()
    assert owner.elder_mode is True
    cookie = next(c for c in page.context.cookies() if c["name"] == elder.COOKIE_NAME)
    assert cookie["value"] == "1" and cookie["sameSite"] == "Lax"
    screenshot(page, "home")
    assert_fit_for_elders(page, "estate home")

    # A notice.
    page.get_by_role("link", name="公告", exact=True).first.click()
    page.get_by_role("link", name=notice.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(notice.title)
    screenshot(page, "notice")
    assert_fit_for_elders(page, "notice")

    # The assembly, and its ballot.
    page.goto(assembly.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(assembly.title)
    screenshot(page, "assembly")
    assert_fit_for_elders(page, "assembly")
    page.locator("section.vote-call").get_by_role("link", name="去投票").click()
    expect(page.locator("fieldset.motion-field").first).to_be_visible()
    screenshot(page, "ballot")
    assert_fit_for_elders(page, "ballot")

    # The discussion area and a thread.
    page.goto(f"/discuss/{estate_a.slug}/")
    screenshot(page, "discussion")
    assert_fit_for_elders(page, "discussion list")
    page.get_by_role("link", name=thread.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(thread.title)
    screenshot(page, "thread")
    assert_fit_for_elders(page, "thread")

    # The secondary links wait in the plain list 更多, reached from the header.
    page.locator("header").get_by_role("link", name="更多").click()
    more = page.locator("#more")
    expect(more.get_by_role("button", name="退出登录")).to_be_visible()
    expect(more.get_by_label("搜索公告、知识库、业主大会")).to_be_visible()

    # 我的: the switch is here too, saying what it does, and it switches back.
    page.locator("header").get_by_role("link", name="我的").click()
    settings = page.get_by_test_id("elder-settings")
    expect(settings).to_contain_text("正在使用长辈模式")
    screenshot(page, "me")
    assert_fit_for_elders(page, "/me/")
    settings.get_by_role("button", name="标准模式").click()
    expect(page.locator("html")).not_to_have_class("elder")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的")
    owner.refresh_from_db()
    assert owner.elder_mode is False
    screenshot(page, "me-standard")


def test_an_anonymous_visitor_turns_on_elder_mode_and_the_device_remembers(
    page, screenshot, estate_a, notice
):
    page.goto(notice.url)
    page.locator("header").get_by_role("button", name="长辈模式").click()
    expect(page.locator("html")).to_have_class("elder")
    expect(page.get_by_role("heading", level=1)).to_have_text(notice.title)
    screenshot(page, "anonymous-notice")
    assert_fit_for_elders(page, "notice, signed out")
    # The next visit, from the same phone, opens in 长辈模式 (and from the page cache).
    page.goto(estate_a.page.url)
    expect(page.locator("html")).to_have_class("elder")
    page.goto(notice.url)
    expect(page.locator("html")).to_have_class("elder")
    assert_fit_for_elders(page, "notice again, signed out")
