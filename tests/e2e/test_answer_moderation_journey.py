"""Journey: an owner's free-text questionnaire answer names a neighbour and a mobile number;
the sensitive-word screen holds it; after the close a moderator finds it first in the
问卷回答审核 list and hides it with a reason; another owner then reads the placeholder on the
results page, while every figure still counts the response. At phone width (390 px).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import actions
from consultations.models import Answer, ConsultationIndexPage, ConsultationPage
from deliberation.models import SensitiveWord
from tests.consultations.conftest import make_consultation, question, valid_answers
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, signed_in

pytestmark = pytest.mark.browser

WORDS = "3栋赵某天天在楼道堆放杂物，电话 13900006688，物业应当上门处理。"
HARMLESS = "希望增加电动车充电桩，并延长地下车库照明时间。"


@pytest.fixture
def closed(estate_a, owner, owner_building1) -> ConsultationPage:
    """王芳's answer hits the estate's sensitive word 赵某 and is held; 李强's is shown."""
    SensitiveWord.objects.create(estate=estate_a, word="赵某")
    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    consultation = make_consultation(index)
    text = question(consultation, "text").pk
    for user, words in ((owner, WORDS), (owner_building1, HARMLESS)):
        answers = valid_answers(consultation) | {text: words}
        actions.submit_response(consultation, user, answers=answers, opinions={})
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(hours=1)
    )
    consultation.refresh_from_db()
    return consultation


@pytest.mark.parametrize("viewport", [PHONE], indirect=True, ids=["phone"])
def test_a_moderator_hides_a_held_answer_and_a_neighbour_reads_the_placeholder(
    new_page, live_server, screenshot, closed, owner_building1, moderator
):
    held = Answer.objects.get(text=WORDS)
    assert held.held_reason

    mod = signed_in(new_page, live_server, moderator)
    mod.goto(closed.subpage_url("moderate_answers"))
    row = mod.locator(f"#answer-{held.pk}")
    expect(row).to_contain_text("赵某")  # the moderator reads the words to judge them
    expect(row.get_by_role("button", name="审核通过")).to_be_visible()
    assert_fits_screen(mod)
    screenshot(mod, "moderator-list")
    row.get_by_text("隐藏该回答（问卷仍计入统计）").click()
    row.get_by_label("泄露个人信息（如手机号）").check()
    row.get_by_role("button", name="隐藏", exact=True).click()
    expect(mod.locator(".messages")).to_contain_text("该回答已隐藏")
    screenshot(mod, "moderator-after-hiding")

    neighbour = signed_in(new_page, live_server, owner_building1)
    neighbour.goto(closed.subpage_url("results"))
    main = neighbour.locator("main")
    expect(main).to_contain_text("该回答已被版主隐藏（泄露个人信息（如手机号））")
    expect(main).to_contain_text(HARMLESS)
    expect(main).not_to_contain_text("赵某")
    expect(main).not_to_contain_text("13900006688")
    expect(neighbour.locator(".answer-moderation")).to_have_count(0)
    assert_fits_screen(neighbour)
    screenshot(neighbour, "neighbour-results")
