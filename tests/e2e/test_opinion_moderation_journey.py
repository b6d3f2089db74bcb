"""Journey: after the report is published, a moderator hides an owner's opinion that names a
neighbour and their mobile number; another owner then sees the placeholder "该意见已被版主隐藏
（原因）" in its row, with the committee's handling and reason still published beside it.
At phone width (390 px).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import actions
from consultations.models import ConsultationIndexPage, ConsultationPage, Opinion
from tests.consultations.conftest import make_consultation, section, valid_answers
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, signed_in

pytestmark = pytest.mark.browser

WORDS = "3栋赵某长期占用消防通道停车，电话 13900006688，请依规处理。"
REASON = "消防通道禁止停车的条款已写入第二章第五条。"


@pytest.fixture
def published(estate_a, owner, owner_building1, committee_chair) -> ConsultationPage:
    """王芳's opinion names a neighbour; 李强's does not; the committee has published."""
    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    consultation = make_consultation(index)
    parking = section(consultation, 2).anchor
    actions.submit_response(
        consultation, owner, answers=valid_answers(consultation), opinions={parking: WORDS}
    )
    actions.submit_response(
        consultation,
        owner_building1,
        answers=valid_answers(consultation),
        opinions={parking: "建议车位摇号分配。"},
    )
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(hours=1)
    )
    consultation.refresh_from_db()
    named, other = (
        Opinion.objects.get(body__contains="赵某"),
        Opinion.objects.exclude(body__contains="赵某").get(),
    )
    actions.save_handling(
        consultation,
        {named.pk: ("adopted", REASON), other.pk: ("noted", "")},
        actor=committee_chair,
        publish=True,
    )
    return consultation


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_a_moderator_hides_an_opinion_and_a_neighbour_sees_the_placeholder_and_the_handling(
    new_page, live_server, screenshot, published, owner_building1, moderator
):
    report = published.subpage_url("report")
    opinion = Opinion.objects.get(body__contains="赵某")

    mod = signed_in(new_page, live_server, moderator)
    mod.goto(report)
    row = mod.locator(f"#opinion-{opinion.pk}")
    row.get_by_text("隐藏该意见（处理结果照常公布）").click()
    row.get_by_label("泄露个人信息（如手机号）").check()
    assert_fits_screen(mod)
    screenshot(mod, "moderator-hides-opinion")
    row.get_by_role("button", name="隐藏", exact=True).click()
    expect(mod.locator(".messages")).to_contain_text("该意见已隐藏")
    row = mod.locator(f"#opinion-{opinion.pk}")
    expect(row).to_contain_text("该意见已被版主隐藏（泄露个人信息（如手机号））")
    row.get_by_text("查看原文（仅作者、版主和业主委员会可见）").click()
    expect(row.locator(".opinion-hidden-body")).to_contain_text("赵某")  # read, marked
    screenshot(mod, "moderator-sees-original")

    neighbour = signed_in(new_page, live_server, owner_building1)
    neighbour.goto(report)
    main = neighbour.locator("main")
    row = neighbour.locator(f"#opinion-{opinion.pk}")
    expect(row).to_contain_text("该意见已被版主隐藏（泄露个人信息（如手机号））")
    expect(row).to_contain_text(REASON)  # the committee's words stay published
    expect(row).to_contain_text("采纳")
    expect(main).not_to_contain_text("赵某")
    expect(main).not_to_contain_text("13900006688")
    expect(main).to_contain_text("建议车位摇号分配")  # the other opinion is untouched
    expect(neighbour.locator(".opinion-moderation")).to_have_count(0)
    assert_fits_screen(neighbour)
    row.scroll_into_view_if_needed()
    screenshot(neighbour, "neighbour-sees-placeholder")
