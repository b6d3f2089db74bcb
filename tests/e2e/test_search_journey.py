"""Journey: an owner searches 维修资金 from the header and opens the right article.

Runs at phone and desktop widths (see conftest). Assertions read what a person sees.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.community.choices import Visibility
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.search.conftest import make_notice

pytestmark = pytest.mark.browser


@pytest.fixture
def searchable(estate_a, estate_b):
    """The demo knowledge base, a members-only notice of each estate, and the index."""
    from demo.knowledge import seed_knowledge
    from portal.home.models import HomePage
    from search.index import rebuild

    seed_knowledge(HomePage.objects.first(), estate_a)
    make_notice(
        estate_a,
        "业委会关于维修资金使用情况的说明",
        summary="本年度维修资金使用明细，仅向本小区业主和住户公开。",
        visibility=Visibility.MEMBERS,
    )
    make_notice(
        estate_b,
        "翠湖苑维修资金账户余额公示",
        summary="仅向翠湖苑业主和住户公开。",
        visibility=Visibility.MEMBERS,
    )
    rebuild()


def test_owner_searches_the_maintenance_fund_from_the_header_and_opens_the_article(
    page, screenshot, owner, searchable
):
    log_in_by_sms_code(page, owner.phone)
    expect(page.locator("header")).to_contain_text("退出")

    box = page.locator("header").get_by_role("searchbox")
    box.fill("维修资金")
    screenshot(page, "typed")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("搜索")
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(page.locator("main")).to_contain_text("找到")
    # Their estate's members-only notice is found; the other estate's is not.
    expect(page.locator("main")).to_contain_text("业委会关于维修资金使用情况的说明")
    expect(page.locator("main")).not_to_contain_text("翠湖苑维修资金账户余额公示")
    expect(page.locator(".search-results mark").first).to_contain_text("维修资金")
    expect(page.locator(".search-facets")).to_contain_text("知识库")
    assert_fits_screen(page)
    screenshot(page, "results")

    page.get_by_role("link", name="专项维修资金：怎么用、怎么筹、怎么查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "专项维修资金：怎么用、怎么筹、怎么查"
    )
    expect(page.locator("main")).to_contain_text("维修资金属于业主共有")
    screenshot(page, "article")


def test_an_empty_search_helps_the_reader(page, screenshot, searchable):
    page.goto("/search/?q=游泳池")
    expect(page.locator("main")).to_contain_text("没有找到与“游泳池”相关的内容")
    expect(page.locator("main")).to_contain_text("登录后可以搜到更多")
    page.get_by_role("link", name="维修资金").click()
    expect(page.locator(".search-result").first).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "empty-then-suggestion")
