"""Do a disclosure's tables add up? The one check, for the import, the admin, submission,
publishing and corrections alike. Works on plain values (Decimal, never float).

Rules (each error names the table, the line and the column):
- amounts and rates are not negative;
- collection: the lines' receivable and received add up to the declared totals;
- common parts (Civil Code Art. 282: the income, after reasonable costs, belongs to the owners):
  each line's owners' share is its income minus its cost; the three columns add up to the totals;
- maintenance fund: each movement is either money in or a use; opening balance + money in −
  uses = closing balance. A use that names no assembly decision is flagged (a warning, not an
  error: the company must be able to disclose it, and owners must see it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from disclosures.choices import Section
from disclosures.choices import Section as S

ZERO = Decimal("0")
AMOUNT_FIELDS = ("receivable", "received", "income", "cost", "owners_share", "inflow", "outflow")
TOTAL_FIELDS = (
    "collection_receivable",
    "collection_received",
    "common_income_total",
    "common_cost_total",
    "owners_share_total",
    "fund_opening",
    "fund_closing",
)


@dataclass(frozen=True)
class Problem:
    """One error (or warning) found in a disclosure, where it is, and what is wrong."""

    section: str
    row: int | None  # the line's row (in the sheet when imported, else its position)
    column: str
    message: str

    def where(self) -> str:
        parts = [str(S(self.section).label) if self.section in S.values else self.section]
        if self.row is not None:
            parts.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            parts.append(self.column)
        return " · ".join(parts)


@dataclass
class Line:
    section: str
    label: str
    row: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # Decimal amounts, text columns

    def amount(self, name: str) -> Decimal | None:
        value = self.values.get(name)
        return value if value is None else Decimal(value)


@dataclass
class Result:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def column_label(name: str) -> str:
    return {
        "label": _("项目"),
        "rate": _("收费标准（元/㎡·月）"),
        "receivable": _("应收（元）"),
        "received": _("实收（元）"),
        "income": _("收入（元）"),
        "cost": _("成本（元）"),
        "owners_share": _("业主收益（元）"),
        "inflow": _("资金收入（元）"),
        "outflow": _("资金使用（元）"),
        "decision": _("业主大会决定"),
        "collection_receivable": _("应收合计"),
        "collection_received": _("实收合计"),
        "common_income_total": _("收入合计"),
        "common_cost_total": _("成本合计"),
        "owners_share_total": _("业主收益合计"),
        "fund_opening": _("期初余额"),
        "fund_closing": _("期末余额"),
    }.get(name, name)


def _sum(lines: Sequence[Line], name: str) -> Decimal:
    return sum((line.amount(name) or ZERO for line in lines), ZERO)


def check(
    lines: Sequence[Line],
    totals: dict[str, Decimal | None],
    *,
    total_rows: dict[str, int] | None = None,
) -> Result:
    """Return every error and warning of the disclosure; `total_rows` says on which sheet row
    each total was declared (for the import's messages)."""
    result = Result()
    total_rows = total_rows or {}

    def error(section: str, row: int | None, column: str, message: str) -> None:
        result.errors.append(Problem(section, row, column_label(column) if column else "", message))

    for line in lines:
        if not (line.label or "").strip():
            error(line.section, line.row, "label", _("请填写项目名称。"))
        for name in ("rate", *AMOUNT_FIELDS):
            value = line.amount(name)
            if value is not None and value < ZERO:
                error(line.section, line.row, name, _("金额不能为负数。"))
    for name in TOTAL_FIELDS:
        value = totals.get(name)
        if value is not None and value < ZERO and name not in ("fund_opening", "fund_closing"):
            error(_section_of_total(name), total_rows.get(name), name, _("合计不能为负数。"))

    by_section: dict[str, list[Line]] = {s: [] for s in Section.values}
    for line in lines:
        by_section.setdefault(line.section, []).append(line)

    for line in by_section[Section.FEE]:
        if line.amount("rate") is None:
            error(Section.FEE, line.row, "rate", _("请填写收费标准。"))

    collection = by_section[Section.COLLECTION]
    for line in collection:
        for name in ("receivable", "received"):
            if line.amount(name) is None:
                error(Section.COLLECTION, line.row, name, _("请填写金额。"))
    _check_total(
        result,
        collection,
        totals,
        total_rows,
        Section.COLLECTION,
        "receivable",
        "collection_receivable",
    )
    _check_total(
        result,
        collection,
        totals,
        total_rows,
        Section.COLLECTION,
        "received",
        "collection_received",
    )

    common = by_section[Section.COMMON_INCOME]
    for line in common:
        income, cost, share = (
            line.amount("income"),
            line.amount("cost"),
            line.amount("owners_share"),
        )
        if income is None:
            error(Section.COMMON_INCOME, line.row, "income", _("请填写收入。"))
        if cost is None:
            error(Section.COMMON_INCOME, line.row, "cost", _("请填写成本（没有成本填 0）。"))
        if income is not None and cost is not None and share is not None and share != income - cost:
            error(
                Section.COMMON_INCOME,
                line.row,
                "owners_share",
                _("业主收益应为收入减成本：%(expected)s，而不是 %(given)s。")
                % {"expected": money(income - cost), "given": money(share)},
            )
    _check_total(
        result, common, totals, total_rows, Section.COMMON_INCOME, "income", "common_income_total"
    )
    _check_total(
        result, common, totals, total_rows, Section.COMMON_INCOME, "cost", "common_cost_total"
    )
    _check_total(
        result,
        common,
        totals,
        total_rows,
        Section.COMMON_INCOME,
        "owners_share",
        "owners_share_total",
    )

    fund = by_section[Section.FUND]
    for line in fund:
        inflow, outflow = line.amount("inflow"), line.amount("outflow")
        if (inflow is None) == (outflow is None):
            error(Section.FUND, line.row, "inflow", _("每笔维修资金变动须填写收入或使用中的一项。"))
        if (
            outflow is not None
            and outflow > ZERO
            and not str(line.values.get("decision") or "").strip()
        ):
            result.warnings.append(
                Problem(
                    Section.FUND,
                    line.row,
                    column_label("decision"),
                    _("这笔维修资金使用没有写明批准它的业主大会决定。"),
                )
            )
    opening, closing = totals.get("fund_opening"), totals.get("fund_closing")
    if fund or opening is not None or closing is not None:
        if opening is None:
            error(
                Section.FUND, total_rows.get("fund_opening"), "fund_opening", _("请填写期初余额。")
            )
        if closing is None:
            error(
                Section.FUND, total_rows.get("fund_closing"), "fund_closing", _("请填写期末余额。")
            )
        if opening is not None and closing is not None:
            expected = opening + _sum(fund, "inflow") - _sum(fund, "outflow")
            if expected != closing:
                error(
                    Section.FUND,
                    total_rows.get("fund_closing"),
                    "fund_closing",
                    _("期初余额加收入减使用应为 %(expected)s，填写的是 %(given)s。")
                    % {"expected": money(expected), "given": money(closing)},
                )
    return result


def _section_of_total(name: str) -> str:
    if name.startswith("collection"):
        return Section.COLLECTION
    if name.startswith("fund"):
        return Section.FUND
    return Section.COMMON_INCOME


def _check_total(result, lines, totals, total_rows, section, column, total_name) -> None:
    declared = totals.get(total_name)
    if not lines and declared is None:
        return
    if declared is None:
        result.errors.append(
            Problem(
                section, total_rows.get(total_name), column_label(total_name), _("请填写合计。")
            )
        )
        return
    actual = _sum(lines, column)
    if actual != declared:
        result.errors.append(
            Problem(
                section,
                total_rows.get(total_name),
                column_label(total_name),
                _("各行相加为 %(actual)s，与合计 %(declared)s 不符。")
                % {"actual": money(actual), "declared": money(declared)},
            )
        )


def money(value: Decimal | None) -> str:
    """Return an amount as people read it: 12,345.60 (exact, two places)."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01')):,}"
