"""Journey: the community's official hides the words of a petition that names a neighbour and their
mobile number; another owner then sees the placeholder on the list and the page, with the
signatures and both bars still there, and no way to sign online. At phone width (390 px).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, signed_in
from tests.factories import BuildingFactory, OwnerIdentityFactory, OwnershipFactory, UnitFactory
from voting.petitions import actions
from voting.petitions.models import Petition

pytestmark = pytest.mark.browser

TITLE = "罢免业委会主任张某（电话13800135246），补选委员一名"


@pytest.fixture
def petition(estate_a, owner, owner_building1) -> Petition:
    """王芳 opens the petition; eight flats without accounts keep it below the threshold."""
    building = BuildingFactory(estate=estate_a, name="8栋")
    for floor in range(1, 9):
        unit = UnitFactory(
            building=building, number=f"{floor}01", floor=floor, exclusive_area=Decimal("100.00")
        )
        OwnershipFactory(unit=unit, identity=OwnerIdentityFactory(estate=estate_a))
    return actions.open_petition(
        estate_a,
        actor=owner,
        title=TITLE,
        matters="罢免业主委员会主任张某，补选委员一名。张某的手机号为13800135246。",
        reason="主任长期不履职，多次拒绝公开维修资金账目。",
    )


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_an_official_hides_a_petitions_words_and_a_neighbour_sees_the_placeholder(
    new_page, live_server, screenshot, petition, owner_building1, community_official
):
    mod = signed_in(new_page, live_server, community_official)
    mod.goto(live_server.url + petition.get_absolute_url())
    mod.get_by_text("隐藏提议的文字").click()
    mod.get_by_label("泄露个人信息（如手机号）").check()
    assert_fits_screen(mod)
    screenshot(mod, "official-hides-petition")
    mod.get_by_role("button", name="隐藏", exact=True).click()
    expect(mod.locator(".messages")).to_contain_text("提议的文字已隐藏")
    expect(mod.locator(".petition-withheld")).to_contain_text(
        "原文仅发起人、业委会、版主和社区可见"
    )
    assert_fits_screen(mod)
    screenshot(mod, "official-sees-marked-original")

    neighbour = signed_in(new_page, live_server, owner_building1)
    for step, url in (
        ("neighbour-list", reverse("petitions:list", args=[petition.estate.slug])),
        ("neighbour-page", petition.get_absolute_url()),
    ):
        neighbour.goto(live_server.url + url)
        main = neighbour.locator("main")
        expect(main).to_contain_text("（该提议的文字已被隐藏）")
        expect(main).not_to_contain_text("13800135246")
        expect(main).not_to_contain_text("张某")
        assert_fits_screen(neighbour)
        screenshot(neighbour, step)
    expect(neighbour.locator("main")).to_contain_text("恢复显示前暂不能在线签名")
    expect(neighbour.get_by_role("button", name="我是业主，签名提议")).to_have_count(0)
    expect(neighbour.locator(".bar-threshold")).to_have_count(2)
