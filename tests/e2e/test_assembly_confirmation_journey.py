"""Journey: the committee chair opens voting, closes it and certifies the result, and before
each act a page says what will happen and what cannot be undone, then asks once more.

At phone (390 px) and desktop widths, in Chinese; the opening page also in English (the
layout and both sections; the English wording comes from the catalogue). No JavaScript is
needed: the buttons are links and plain forms.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.voting.conftest import inform_residents_committee, make_assembly
from voting import actions
from voting.choices import AssemblyState
from voting.models import AssemblyPage, AssemblyResult

pytestmark = pytest.mark.browser


@pytest.fixture
def due_to_open(estate_a, owner, owner_building1, committee_chair) -> AssemblyPage:
    """Announced 20 days ago, the residents' committee told; the voting window has begun."""
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=10)
    )
    actions.announce_assembly(page, actor=committee_chair, now=now - timedelta(days=20))
    inform_residents_committee(page, committee_chair, at=now - timedelta(days=20))
    return AssemblyPage.objects.get(pk=page.pk)


def state_of(assembly) -> str:
    return AssemblyPage.objects.get(pk=assembly.pk).state


def test_chair_sees_what_opening_voting_freezes_before_confirming(
    page, screenshot, due_to_open, committee_chair
):
    log_in_by_sms_code(page, committee_chair.phone)
    page.goto(f"/assemblies/{due_to_open.pk}/manage/")
    page.get_by_role("link", name="开始投票（冻结选民名册）…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("确认开始投票")
    happens = page.locator("section#will-happen, section[aria-labelledby=will-happen]")
    expect(happens).to_contain_text("将会发生什么")
    expect(happens).to_contain_text("2 套房屋，2 人")
    irreversible = page.locator("section[aria-labelledby=cannot-undo]")
    expect(irreversible).to_contain_text("以下操作不能撤销")
    expect(irreversible).to_contain_text("选民名册一经冻结不能更改")
    assert_fits_screen(page)
    screenshot(page, "open-zh")
    assert state_of(due_to_open) == AssemblyState.ANNOUNCED  # looking changes nothing

    confirm_url = page.url
    page.goto(f"/lang/en/?next={confirm_url}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("section[aria-labelledby=will-happen] li")).to_have_count(3)
    expect(page.locator("section[aria-labelledby=cannot-undo] li")).to_have_count(3)
    expect(page.locator("form.confirm-act-form button[type=submit]")).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "open-en")

    page.goto(f"/lang/zh-hans/?next={confirm_url}")
    page.get_by_role("button", name="确认开始投票，冻结选民名册").click()
    expect(page.locator("main")).to_contain_text("投票已开始，选民名册已冻结。")
    assert state_of(due_to_open) == AssemblyState.OPEN


def test_chair_confirms_closing_and_certifying(page, screenshot, due_to_open, committee_chair):
    actions.open_voting(due_to_open, actor=committee_chair)
    # The window has ended (the close refuses an early end).
    AssemblyPage.objects.filter(pk=due_to_open.pk).update(
        voting_closes_at=timezone.now() - timedelta(minutes=1)
    )
    log_in_by_sms_code(page, committee_chair.phone)
    page.goto(f"/assemblies/{due_to_open.pk}/manage/")
    page.get_by_role("link", name="结束投票…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确认结束投票")
    expect(page.locator("main")).to_contain_text("投票结束后不能重新开始")
    assert_fits_screen(page)
    screenshot(page, "close-zh")
    page.get_by_role("button", name="确认结束投票").click()
    expect(page.locator("main")).to_contain_text("投票已结束。")
    assert state_of(due_to_open) == AssemblyState.CLOSED

    page.get_by_role("link", name="核定表决结果并发布决议公告…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确认核定表决结果")
    expect(page.locator("main")).to_contain_text("核定后表决结果不能修改，也不能重新核定。")
    expect(page.locator("main")).to_contain_text("公示不少于 15 天")
    assert_fits_screen(page)
    screenshot(page, "certify-zh")
    assert not AssemblyResult.objects.exists()
    page.get_by_role("button", name="确认核定并发布决议公告").click()
    expect(page.locator("main")).to_contain_text("决议公告已发布")
    assert AssemblyResult.objects.filter(assembly=due_to_open).exists()
