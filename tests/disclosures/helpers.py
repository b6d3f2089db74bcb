"""Build disclosure workbooks for tests: the template's sheets with the rows a test needs."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

from disclosures.sheets import SHEETS
from portal.spreadsheets import xlsx_workbook_bytes

GOOD: dict[str, list[list[Any]]] = {
    "服务事项": [
        ["秩序维护", "王队长", "24 小时门岗"],
        ["保洁", "李主管", "公共区域每日清扫两次"],
    ],
    "收费项目": [
        ["物业服务费（住宅）", D("2.80"), "按建筑面积"],
        ["车位管理费", D("80"), "每个每月"],
    ],
    "物业费收缴": [
        ["住宅物业费", D("100000.00"), D("92000.50")],
        ["车位管理费", D("24000"), D("23000")],
        ["合计", D("124000.00"), D("115000.50")],
    ],
    "共有部分经营收益": [
        ["电梯广告", D("12000.00"), D("1200.00"), D("10800.00")],
        ["公共道路停车", D("30000.10"), D("9000.05"), D("21000.05")],
        ["合计", D("42000.10"), D("10200.05"), D("31800.05")],
    ],
    "专项维修资金": [
        ["期初余额", None, None, None, D("500000.00")],
        ["利息", D("1200.00"), None, None, None],
        ["3栋电梯更换", None, D("80000.00"), "2026年第一次业主大会第2项", None],
        ["期末余额", None, None, None, D("421200.00")],
    ],
}


def workbook(
    start: str = "2026-07-01",
    end: str = "2026-09-30",
    *,
    drop: tuple[str, ...] = (),
    **sheets: list[list[Any]],
) -> io.BytesIO:
    """Return an XLSX in the template's shape; keyword arguments replace a sheet's rows
    (sheet names with spaces are not needed: the sheet titles are valid identifiers)."""
    data = [("基本信息", [["项目", "内容"], ["期间开始", start], ["期间结束", end]])]
    for title, (_section, columns) in SHEETS.items():
        if title in drop:
            continue
        rows = [[heading for heading, _f, _k in columns]]
        rows.extend(sheets.get(title, GOOD[title]))
        data.append((title, rows))
    buffer = io.BytesIO(xlsx_workbook_bytes(data))
    buffer.name = "disclosure.xlsx"
    return buffer
