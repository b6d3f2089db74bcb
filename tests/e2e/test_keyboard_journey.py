"""Journeys done with the keyboard alone (issue #18, item 4: "every journey can be completed").

An owner who cannot use a mouse or a touch screen moves with Tab and Shift+Tab, follows links
and sends forms with Enter, ticks boxes and presses buttons with Space, and picks within a
group of radio buttons with the arrow keys, as browsers intend. No clicks, and no typing into
a field the keyboard has not reached: `tab_to` presses Tab until the wanted element has the
focus, and text is typed with the keyboard into whatever has it.

Every element that takes the focus on the way must show it (a computed outline or box
shadow), and the first Tab on a page reaches the skip link, which takes the focus to the
main content. Runs at phone and desktop widths (see conftest); axe checks every page as in
every journey.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from consultations.models import ConsultationIndexPage
from deliberation import actions as deliberation
from deliberation.choices import ThreadKind
from deliberation.models import Post
from portal.notices.models import Acknowledgement, NoticeIndexPage
from tests.consultations.conftest import make_consultation
from tests.e2e.helpers import last_sms_code, national_number, signed_in
from tests.notices.conftest import make_notice
from tests.voting.conftest import open_assembly
from voting.models import Ballot

pytestmark = [pytest.mark.browser, pytest.mark.presentation]

# Tab presses allowed to reach one element: a long page has many links before its form.
MAX_TABS = 120

# What the focused element is, and whether it shows that it has the focus.
_FOCUS_STATE = """(target) => {
  const element = document.activeElement;
  const style = element ? getComputedStyle(element) : null;
  const outline = style && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style && style.boxShadow !== 'none';
  const name = element ? (element.getAttribute('aria-label') || element.innerText
    || element.name || element.id || '').trim().slice(0, 30) : '';
  return {
    reached: element === target,
    shown: element === document.body || element === document.documentElement
      || Boolean(outline || shadow),
    element: element ? `${element.tagName.toLowerCase()} “${name}”`
      + (element.type === 'radio' || element.type === 'checkbox' ? `=${element.value}` : '')
      : 'nothing',
  };
}"""


class Keyboard:
    """One person's keyboard on one page; remembers focused elements that did not show it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.unseen_focus: list[str] = []

    def tab_to(self, locator: Any, *, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until `locator` has the focus."""
        target = locator.element_handle()
        key = "Shift+Tab" if backwards else "Tab"
        visited: list[str] = []
        for _ in range(MAX_TABS):
            self.page.keyboard.press(key)
            state = self.page.evaluate(_FOCUS_STATE, target)
            visited.append(state["element"])
            if not state["shown"]:
                self.unseen_focus.append(f"{state['element']} on {self.page.url}")
            if state["reached"]:
                return
        raise AssertionError(
            f"{MAX_TABS} presses of {key} never reached {locator}; the focus went to: "
            + ", ".join(dict.fromkeys(visited))
        )

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def follow(self, locator: Any) -> None:
        """Tab to a link or button and press Enter, waiting for the page it opens."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.press("Enter")

    def assert_focus_was_always_visible(self) -> None:
        assert not self.unseen_focus, "focus not shown on: " + "; ".join(
            dict.fromkeys(self.unseen_focus)
        )


def sign_in_by_sms_code(page: Any, phone: str) -> Keyboard:
    """Sign in from the login page by SMS code, with the keyboard alone."""
    keys = Keyboard(page)
    page.goto("/accounts/login/")
    keys.follow(page.locator("main a[href*='/accounts/login/code/']").first)
    keys.tab_to(page.locator("input[name=phone]"))
    keys.type(national_number(phone))
    with page.expect_navigation():
        keys.press("Enter")
    keys.tab_to(page.locator("input[name=code]"))
    keys.type(last_sms_code(phone))
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator("header")).to_contain_text("退出")
    return keys


def test_the_skip_link_is_the_first_stop_and_takes_the_focus_to_the_main_content(page, owner):
    page.goto("/jinxiu/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳到正文")
    expect(skip).to_be_in_viewport()  # shown while it has the focus, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on inside the main content, past the header and the estate's tabs.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_owner_signs_in_and_acknowledges_a_notice_by_keyboard(page, estate_a, owner):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    notice = make_notice(
        index,
        title="3栋二次供水水箱清洗停水通知",
        buildings=("3栋",),
        requires_acknowledgement=True,
    )

    keys = sign_in_by_sms_code(page, owner.phone)
    page.goto(index.url)
    keys.follow(page.locator("main").get_by_role("link", name=notice.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(notice.title)
    keys.tab_to(page.get_by_role("button", name=re.compile("已阅")))
    with page.expect_navigation():
        keys.press("Space")
    expect(page.locator("main")).to_contain_text("已确认。感谢您的阅读")
    assert Acknowledgement.objects.filter(notice=notice, user=owner).exists()
    keys.assert_focus_was_always_visible()


def test_owner_votes_and_sees_the_receipt_by_keyboard(page, estate_a, owner, committee_chair):
    assembly = open_assembly(estate_a, committee_chair)

    keys = sign_in_by_sms_code(page, owner.phone)
    page.goto(assembly.url)
    keys.follow(page.locator("section.vote-call").get_by_role("link", name="去投票"))

    def motion(title: str) -> Any:
        return page.locator("fieldset.motion-field", has=page.locator("legend", has_text=title))

    # A radio group is one Tab stop, on its checked choice (at first 不参与本项表决); the
    # arrow keys move the choice within the group.
    renewal = motion("续聘锦城物业服务有限公司")
    keys.tab_to(renewal.locator("input:checked"))
    keys.press("ArrowDown")
    expect(renewal.get_by_label("同意", exact=True)).to_be_checked()
    special = motion("使用专项维修资金更换 3 栋电梯")
    keys.tab_to(special.locator("input:checked"))
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(special.get_by_label("反对", exact=True)).to_be_checked()
    # An election's candidates are check boxes: each its own stop, ticked with Space.
    election = motion("选举第二届业主委员会委员")
    for name in ("王建国", "李秀英"):
        keys.tab_to(election.get_by_label(name, exact=True))
        keys.press("Space")
        expect(election.get_by_label(name, exact=True)).to_be_checked()

    keys.follow(page.get_by_role("button", name="下一步：确认选票"))
    expect(page.get_by_role("heading", level=1)).to_have_text("请确认您的选票")
    keys.follow(page.get_by_role("button", name="确认提交"))

    expect(page.get_by_role("heading", level=1)).to_have_text("投票回执")
    code = page.locator(".receipt-code").inner_text().strip()
    assert Ballot.objects.filter(receipt_code=code).exists()
    keys.assert_focus_was_always_visible()


def test_owner_replies_in_a_thread_by_keyboard(page, estate_a, owner, owner_building1):
    thread = deliberation.start_thread(
        estate_a,
        owner_building1,
        kind=ThreadKind.TOPIC,
        title="小区东门晚上能否增加照明",
        body="东门到 3 栋的小路晚上很暗，老人孩子走路不安全，建议加装两盏路灯。",
    )

    keys = sign_in_by_sms_code(page, owner.phone)
    page.goto(thread.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(thread.title)
    reply = page.locator("form#reply")
    keys.tab_to(reply.get_by_label("回复"))
    keys.type("同意，晚上接孩子放学确实看不清路，最好再加一个监控。")
    keys.follow(reply.get_by_role("button", name="发送"))

    expect(page.locator(".dlb-post").last).to_contain_text("最好再加一个监控")
    assert Post.objects.filter(thread=thread, author=owner).count() == 1
    keys.assert_focus_was_always_visible()


def test_owner_comments_on_a_consultation_section_by_keyboard(page, estate_a, owner):
    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    consultation = make_consultation(
        index,
        questions=[{"kind": "single", "text": "您是否赞成修订草案？", "choices": "赞成\n反对"}],
    )

    keys = sign_in_by_sms_code(page, owner.phone)
    page.goto(consultation.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    section = page.locator("section.consultation-section", has_text="第二章 停车管理")
    # The section's comment box opens from its summary, with Enter.
    keys.tab_to(section.locator("summary"))
    keys.press("Enter")
    keys.tab_to(page.get_by_label("对“第二章 停车管理”的意见"))
    keys.type("建议地面车位按楼栋轮换抽签，不要长期固定给同一户。")
    keys.tab_to(page.get_by_label("赞成"))
    keys.press("Space")
    keys.follow(page.get_by_role("button", name="提交意见"))

    expect(page.locator(".messages")).to_contain_text("感谢参与")
    keys.assert_focus_was_always_visible()


def test_wagtail_user_bar_covers_nothing_at_the_bottom_of_a_page_for_staff(
    new_page, live_server, viewport, screenshot, estate_a, committee_chair
):
    """Staff see Wagtail's user bar fixed in the bottom corner. Scrolled to the end, nothing
    of the page may lie under it (the footer's lines and links least of all): only the
    page's own background."""
    if viewport.is_mobile is False:
        pytest.skip("on a desktop screen a short page cannot scroll clear of the bar")
    page = signed_in(new_page, live_server, committee_chair)
    page.goto("/jinxiu/")
    trigger = page.locator(".w-userbar-trigger")
    expect(trigger).to_be_visible()
    # Scrolled to the very end once the page has settled: its images loaded (one that loads
    # after the scroll makes the page taller and leaves the view short of the end), and the
    # scroll re-done until the view's bottom is the page's.
    page.wait_for_function(
        """() => {
          const root = document.documentElement;
          window.scrollTo({top: root.scrollHeight, behavior: 'instant'});
          return [...document.images].every((image) => image.complete)
            && Math.ceil(window.scrollY + window.innerHeight) >= root.scrollHeight;
        }"""
    )
    box = trigger.bounding_box()
    under = page.evaluate(
        """(box) => {
          const points = [[box.x + box.width / 2, box.y + box.height / 2], [box.x + 1, box.y + 1],
            [box.x + box.width - 1, box.y + 1], [box.x + 1, box.y + box.height - 1],
            [box.x + box.width - 1, box.y + box.height - 1]];
          return points.map(([x, y]) => document.elementsFromPoint(x, y)
            .find((element) => !element.closest('wagtail-userbar')))
            .filter((element) => element && element !== document.body
              && element !== document.documentElement)
            .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
        }""",
        box,
    )
    # After measuring: a full-page screenshot resizes the view and loses the scroll.
    screenshot(page, "userbar-bottom")
    assert not under, f"the user bar covers {under}"
