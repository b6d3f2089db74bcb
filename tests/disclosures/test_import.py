"""Importing a quarter from the XLSX template: all of it, or nothing, every error listed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from disclosures import actions
from disclosures.choices import DisclosureState, Section
from disclosures.models import Disclosure, DisclosureLine
from disclosures.sheets import template_bytes
from portal.community.models import AuditEvent
from tests.disclosures.helpers import GOOD, workbook

pytestmark = pytest.mark.django_db


def _refusal(estate, user, book) -> list[str]:
    with pytest.raises(actions.Refused) as caught:
        actions.import_disclosure(estate, user, book)
    return [f"{p.where()}：{p.message}" for p in caught.value.problems]


def test_the_portal_template_imports_as_it_is(estate_a, property_manager):
    import io

    book = io.BytesIO(template_bytes())
    disclosure = actions.import_disclosure(estate_a, property_manager, book)
    assert disclosure.state == DisclosureState.DRAFT
    assert disclosure.lines.filter(section=Section.FUND).count() == 2
    assert disclosure.fund_closing == D("421200.00")


def test_a_good_workbook_becomes_a_draft_with_exact_decimals(estate_a, property_manager):
    disclosure = actions.import_disclosure(
        estate_a, property_manager, workbook(), file_name="q3.xlsx"
    )
    assert (disclosure.period_start.isoformat(), disclosure.period_end.isoformat()) == (
        "2026-07-01",
        "2026-09-30",
    )
    parking = DisclosureLine.objects.get(disclosure=disclosure, label="公共道路停车")
    assert (parking.income, parking.cost, parking.owners_share) == (
        D("30000.10"),
        D("9000.05"),
        D("21000.05"),
    )
    assert isinstance(parking.income, D)
    fee = DisclosureLine.objects.get(disclosure=disclosure, section=Section.FEE, position=1)
    assert fee.rate == D("2.8000")
    assert disclosure.collection_received == D("115000.50")
    assert AuditEvent.objects.filter(action="disclosures.imported").count() == 1


def test_bad_input_is_refused_with_every_error_listed_and_nothing_stored(
    estate_a, property_manager
):
    actions.import_disclosure(estate_a, property_manager, workbook("2026-04-01", "2026-06-30"))
    before = (Disclosure.objects.count(), DisclosureLine.objects.count())
    book = workbook(
        "2026-04-01",  # a duplicate period
        "2026-06-30",
        **{
            "收费项目": [["物业服务费（住宅）", D("-2.80"), ""]],  # a negative fee
            "物业费收缴": [
                ["住宅物业费", "十万", D("92000")],  # text in a number cell
                ["合计", D("100000"), D("92000")],
            ],
            "共有部分经营收益": [
                ["电梯广告", D("12000"), D("1200"), D("10800")],
                ["合计", D("12500"), D("1200"), D("10800")],  # a wrong sum
            ],
        },
    )
    with pytest.raises(actions.Refused) as caught:
        actions.import_disclosure(estate_a, property_manager, book)
    messages = [f"{p.where()}：{p.message}" for p in caught.value.problems]
    assert any("收费项目 · 第 2 行 · 收费标准（元/㎡·月）" in m and "负数" in m for m in messages)
    assert any("物业费收缴 · 第 2 行 · 应收（元）" in m and "不是数字" in m for m in messages)
    assert any("共有部分经营收益 · 第 3 行 · 收入合计" in m and "12,000.00" in m for m in messages)
    assert any("基本信息" in m and "已经存在" in m for m in messages)
    assert (Disclosure.objects.count(), DisclosureLine.objects.count()) == before


def test_a_duplicate_period_alone_is_refused(estate_a, property_manager):
    actions.import_disclosure(estate_a, property_manager, workbook())
    messages = _refusal(estate_a, property_manager, workbook())
    assert len(messages) == 1 and "已经存在" in messages[0]


def test_owners_share_must_be_income_minus_cost(estate_a, property_manager):
    rows = [
        ["电梯广告", D("12000"), D("1200"), D("11000")],
        ["合计", D("12000"), D("1200"), D("11000")],
    ]
    messages = _refusal(estate_a, property_manager, workbook(**{"共有部分经营收益": rows}))
    assert any("第 2 行 · 业主收益" in m and "10,800.00" in m for m in messages)


def test_the_fund_must_balance(estate_a, property_manager):
    rows = [r[:] for r in GOOD["专项维修资金"]]
    rows[-1][4] = D("421200.01")
    messages = _refusal(estate_a, property_manager, workbook(**{"专项维修资金": rows}))
    assert any("专项维修资金 · 第 5 行 · 期末余额" in m and "421,200.00" in m for m in messages)


def test_more_than_two_decimals_of_a_yuan_is_refused(estate_a, property_manager):
    rows = [["住宅物业费", D("100.005"), D("100")], ["合计", D("100.005"), D("100")]]
    messages = _refusal(estate_a, property_manager, workbook(**{"物业费收缴": rows}))
    assert any("最多 2 位小数" in m for m in messages)


def test_a_missing_sheet_or_an_unreadable_file_is_refused(estate_a, property_manager):
    import io

    assert any(
        "缺少工作表“专项维修资金”" in m
        for m in _refusal(estate_a, property_manager, workbook(drop=("专项维修资金",)))
    )
    assert any(
        "无法读取" in m for m in _refusal(estate_a, property_manager, io.BytesIO(b"not a zip"))
    )
    assert Disclosure.objects.count() == 0


def test_only_the_property_company_imports(estate_a, committee_chair, owner):
    from django.core.exceptions import PermissionDenied

    for user in (committee_chair, owner):
        with pytest.raises(PermissionDenied):
            actions.import_disclosure(estate_a, user, workbook())


def test_the_template_download_neutralises_formulas(client, estate_a, property_manager):
    client.force_login(property_manager)
    response = client.get(f"/disclosures/{estate_a.slug}/template.xlsx")
    assert response.status_code == 200
    import io

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "基本信息"
    assert book["共有部分经营收益"]["B2"].value == 12000


def test_the_import_page_lists_every_error_and_keeps_nothing(client, estate_a, property_manager):
    client.force_login(property_manager)
    book = workbook(**{"收费项目": [["物业服务费", "abc", ""]]})
    response = client.post(f"/disclosures/{estate_a.slug}/import/", {"file": book})
    assert response.status_code == 422
    page = response.content.decode()
    assert "error-summary" in page and "收费项目 · 第 2 行 · 收费标准（元/㎡·月）" in page
    assert Disclosure.objects.count() == 0
