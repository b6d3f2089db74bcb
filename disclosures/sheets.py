"""The XLSX template the portal hands the property company, and reading it back.

One sheet per table, plus 基本信息 with the period. Reading is all-or-nothing: every problem
is collected with its sheet, row and column, and nothing is stored unless there are none
(disclosures.actions.import_disclosure). Cells are read through portal.spreadsheets (size
limits, formulas never evaluated) and downloads go through its formula neutraliser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from disclosures.checks import Line, Problem
from disclosures.choices import Section
from portal.spreadsheets import SpreadsheetError, read_xlsx_sheets, xlsx_workbook_bytes
from portal.text_checks import without_control_characters

MAX_ROWS = 500
MAX_COLUMNS = 12
TOTAL_LABEL = "合计"
OPENING_LABEL = "期初余额"
CLOSING_LABEL = "期末余额"
INFO_SHEET = "基本信息"

# Sheet → (section, [(heading, field, kind)]); kind: text, money, rate.
SHEETS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "服务事项": (
        Section.SERVICE,
        [
            ("服务项目", "label", "text"),
            ("负责人", "responsible", "text"),
            ("质量标准", "standard", "text"),
        ],
    ),
    "收费项目": (
        Section.FEE,
        [
            ("收费项目", "label", "text"),
            ("收费标准（元/㎡·月）", "rate", "rate"),
            ("说明", "note", "text"),
        ],
    ),
    "物业费收缴": (
        Section.COLLECTION,
        [
            ("项目", "label", "text"),
            ("应收（元）", "receivable", "money"),
            ("实收（元）", "received", "money"),
        ],
    ),
    "共有部分经营收益": (
        Section.COMMON_INCOME,
        [
            ("收益来源", "label", "text"),
            ("收入（元）", "income", "money"),
            ("成本（元）", "cost", "money"),
            ("业主收益（元）", "owners_share", "money"),
        ],
    ),
    "专项维修资金": (
        Section.FUND,
        [
            ("摘要", "label", "text"),
            ("资金收入（元）", "inflow", "money"),
            ("资金使用（元）", "outflow", "money"),
            ("业主大会决定", "decision", "text"),
            ("余额（元）", "balance", "money"),
        ],
    ),
}
# The totals row of a sheet: which declared total each money column gives.
TOTAL_COLUMNS = {
    Section.COLLECTION: {"receivable": "collection_receivable", "received": "collection_received"},
    Section.COMMON_INCOME: {
        "income": "common_income_total",
        "cost": "common_cost_total",
        "owners_share": "owners_share_total",
    },
}


@dataclass
class Parsed:
    period_start: date | None = None
    period_end: date | None = None
    lines: list[Line] = field(default_factory=list)
    totals: dict[str, Decimal | None] = field(default_factory=dict)
    total_rows: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)


def template_bytes(example: bool = True) -> bytes:
    """Return the template workbook, with one example line per sheet to overwrite."""
    sheets: list[tuple[str, list[list[Any]]]] = [
        (INFO_SHEET, [["项目", "内容"], ["期间开始", "2026-07-01"], ["期间结束", "2026-09-30"]])
    ]
    d = Decimal
    examples = {
        "服务事项": [["秩序维护", "王队长", "24 小时门岗，每 2 小时巡逻一次"]],
        "收费项目": [["物业服务费（住宅）", d("2.80"), "按建筑面积"]],
        "物业费收缴": [
            ["住宅物业费", d("100000.00"), d("92000.00")],
            [TOTAL_LABEL, d("100000.00"), d("92000.00")],
        ],
        "共有部分经营收益": [
            ["电梯广告", d("12000.00"), d("1200.00"), d("10800.00")],
            [TOTAL_LABEL, d("12000.00"), d("1200.00"), d("10800.00")],
        ],
        "专项维修资金": [
            [OPENING_LABEL, None, None, None, d("500000.00")],
            ["利息", d("1200.00"), None, None, None],
            ["3栋电梯更换", None, d("80000.00"), "2026年第一次业主大会第2项", None],
            [CLOSING_LABEL, None, None, None, d("421200.00")],
        ],
    }
    for title, (_section, columns) in SHEETS.items():
        rows: list[list[Any]] = [[heading for heading, _f, _k in columns]]
        if example:
            rows.extend(examples[title])
        sheets.append((title, rows))
    return xlsx_workbook_bytes(sheets)


def clean_text(value: Any) -> str:
    """Return a cell as one line of text: no control characters, no surrounding blanks."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(without_control_characters(str(value)).split())


def _number(value: Any, places: int) -> tuple[Decimal | None, str]:
    """Return (the exact amount, "") or (None, what is wrong)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool):
        return None, _("请填写数字。")
    if isinstance(value, float):
        text = repr(value)  # the shortest text that is this float: what Excel showed
    else:
        text = (
            clean_text(value).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s”不是数字。") % {"value": clean_text(value)[:30]}
    if not number.is_finite():
        return None, _("请填写数字。")
    if number != number.quantize(Decimal(10) ** -places, rounding="ROUND_DOWN"):
        return None, _("最多 %(n)s 位小数。") % {"n": places}
    if abs(number) >= Decimal(10) ** 12:
        return None, _("金额过大。")
    return number.quantize(Decimal(10) ** -places), ""


def _date(value: Any) -> tuple[date | None, str]:
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    text = clean_text(value)
    if not text:
        return None, _("请填写日期。")
    try:
        return date.fromisoformat(text.replace("/", "-")), ""
    except ValueError:
        return None, _("日期格式应为 2026-07-01。")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value) if value is not None else ""


def parse(fileobj: Any) -> Parsed:
    """Return what the workbook says, with every problem found (nothing is stored here)."""
    parsed = Parsed()
    try:
        sheets = read_xlsx_sheets(fileobj, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except SpreadsheetError as exc:
        parsed.errors.append(Problem(_("文件"), None, "", str(exc)))
        return parsed

    def error(sheet: str, row: int | None, column: str, message: str) -> None:
        parsed.errors.append(Problem(sheet, row, column, message))

    info = sheets.get(INFO_SHEET)
    if info is None:
        error(
            INFO_SHEET,
            None,
            "",
            _("缺少工作表“%(sheet)s”，请使用本站提供的模板。") % {"sheet": INFO_SHEET},
        )
    else:
        found = {}
        for number, row in enumerate(info, start=1):
            if row and _text(row[0]) in ("期间开始", "期间结束"):
                found[_text(row[0])] = (number, row[1] if len(row) > 1 else None)
        for key, attr in (("期间开始", "period_start"), ("期间结束", "period_end")):
            if key not in found:
                error(INFO_SHEET, None, key, _("请填写%(what)s。") % {"what": key})
                continue
            value, problem = _date(found[key][1])
            if problem:
                error(INFO_SHEET, found[key][0], key, problem)
            setattr(parsed, attr, value)
        if parsed.period_start and parsed.period_end and parsed.period_end < parsed.period_start:
            error(INFO_SHEET, found["期间结束"][0], "期间结束", _("期间结束不能早于期间开始。"))

    for title, (section, columns) in SHEETS.items():
        rows = sheets.get(title)
        if rows is None:
            error(
                title,
                None,
                "",
                _("缺少工作表“%(sheet)s”，请使用本站提供的模板。") % {"sheet": title},
            )
            continue
        if not rows:
            continue
        header = [_text(cell) for cell in rows[0]]
        positions = {}
        for heading, name, kind in columns:
            if heading in header:
                positions[name] = (header.index(heading), heading, kind)
            else:
                error(title, 1, heading, _("缺少列“%(column)s”。") % {"column": heading})
        if len(positions) != len(columns):
            continue
        for number, cells in enumerate(rows[1:], start=2):
            raw = {
                name: cells[i] if i < len(cells) else None
                for name, (i, _h, _k) in positions.items()
            }
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            values: dict[str, Any] = {}
            for name, (_i, heading, kind) in positions.items():
                if kind == "text":
                    values[name] = _text(raw[name])
                    continue
                amount, problem = _number(raw[name], 4 if kind == "rate" else 2)
                if problem:
                    error(title, number, heading, problem)
                values[name] = amount
            label = values.pop("label")
            if section == Section.FUND and label in (OPENING_LABEL, CLOSING_LABEL):
                key = "fund_opening" if label == OPENING_LABEL else "fund_closing"
                parsed.totals[key] = values.get("balance")
                parsed.total_rows[key] = number
                if values.get("balance") is None and not any(
                    p.row == number and p.section == title for p in parsed.errors
                ):
                    error(title, number, "余额（元）", _("请填写余额。"))
                continue
            values.pop("balance", None)
            if label == TOTAL_LABEL and section in TOTAL_COLUMNS:
                for column, total_name in TOTAL_COLUMNS[section].items():
                    parsed.totals[total_name] = values.get(column)
                    parsed.total_rows[total_name] = number
                continue
            parsed.lines.append(Line(section=section, label=label, row=number, values=values))
    return parsed


def sheet_of(section: str) -> str:
    return next(title for title, (s, _c) in SHEETS.items() if s == section)
