"""A disclosure as data: the canonical content that is published and hashed, read back as
tables with their totals. The published page, the CSV/XLSX download, the open data and the
checks all read the content of the latest DisclosureRecord through `tables`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from disclosures.checks import AMOUNT_FIELDS, TOTAL_FIELDS, Line, column_label
from disclosures.choices import Section

FORMAT = 1
TEXT_FIELDS = ("responsible", "standard", "decision", "note")
# Which columns each table shows, in order; the totals row sums the money columns.
COLUMNS: dict[str, tuple[str, ...]] = {
    Section.SERVICE: ("label", "responsible", "standard"),
    Section.FEE: ("label", "rate", "note"),
    Section.COLLECTION: ("label", "receivable", "received"),
    Section.COMMON_INCOME: ("label", "income", "cost", "owners_share"),
    Section.FUND: ("label", "inflow", "outflow", "decision"),
}
TOTALS_OF: dict[str, dict[str, str]] = {
    Section.COLLECTION: {"receivable": "collection_receivable", "received": "collection_received"},
    Section.COMMON_INCOME: {
        "income": "common_income_total",
        "cost": "common_cost_total",
        "owners_share": "owners_share_total",
    },
}


def _text(value: Decimal | None, places: int = 2) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal(10) ** -places))


def build(disclosure: Any) -> dict[str, Any]:
    """Return the canonical content of the disclosure as it stands (lines, reviews, totals)."""
    lines = []
    for line in disclosure.lines.select_related("review").order_by("section", "position", "pk"):
        item: dict[str, Any] = {"id": line.pk, "section": line.section, "label": line.label}
        for name in TEXT_FIELDS:
            item[name] = getattr(line, name)
        item["rate"] = _text(line.rate, 4)
        for name in AMOUNT_FIELDS:
            item[name] = _text(getattr(line, name))
        review = getattr(line, "review", None)
        item["review"] = (
            {"decision": review.decision, "reason": review.reason} if review is not None else None
        )
        lines.append(item)
    return {
        "format": FORMAT,
        "estate": disclosure.estate.slug,
        "period_start": disclosure.period_start.isoformat(),
        "period_end": disclosure.period_end.isoformat(),
        "totals": {name: _text(getattr(disclosure, name)) for name in TOTAL_FIELDS},
        "lines": lines,
    }


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(content: dict[str, Any]) -> str:
    """Return the SHA-256 of the canonical JSON: anyone can recompute it from the download."""
    return hashlib.sha256(canonical(content)).hexdigest()


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def check_lines(content: dict[str, Any]) -> tuple[list[Line], dict[str, Decimal | None]]:
    """Return the content as input for disclosures.checks.check."""
    lines = [
        Line(
            section=item["section"],
            label=item["label"],
            row=None,
            values={
                **{name: decimal_or_none(item.get(name)) for name in ("rate", *AMOUNT_FIELDS)},
                **{name: item.get(name, "") for name in TEXT_FIELDS},
            },
        )
        for item in content["lines"]
    ]
    totals = {name: decimal_or_none(content["totals"].get(name)) for name in TOTAL_FIELDS}
    return lines, totals


@dataclass
class Table:
    section: str
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # {column: (declared total, sum of the rows)}, for money columns that have a total.
    totals: dict[str, tuple[Decimal | None, Decimal]] = field(default_factory=dict)
    opening: Decimal | None = None
    closing: Decimal | None = None


def tables(content: dict[str, Any]) -> list[Table]:
    """Return the content's tables in the order of Section, each row with Decimal values."""
    result = []
    for section in Section:
        table = Table(
            section=section.value, title=str(section.label), columns=COLUMNS[section.value]
        )
        for item in content["lines"]:
            if item["section"] != section.value:
                continue
            row = dict(item)
            row["rate"] = decimal_or_none(item.get("rate"))
            for name in AMOUNT_FIELDS:
                row[name] = decimal_or_none(item.get(name))
            table.rows.append(row)
        for column, total_name in TOTALS_OF.get(section.value, {}).items():
            declared = decimal_or_none(content["totals"].get(total_name))
            summed = sum((r[column] or Decimal("0") for r in table.rows), Decimal("0"))
            table.totals[column] = (declared, summed)
        if section == Section.FUND:
            table.opening = decimal_or_none(content["totals"].get("fund_opening"))
            table.closing = decimal_or_none(content["totals"].get("fund_closing"))
            for column in ("inflow", "outflow"):
                summed = sum((r[column] or Decimal("0") for r in table.rows), Decimal("0"))
                table.totals[column] = (summed, summed)
        result.append(table)
    return result


def heading(column: str) -> str:
    return {
        "label": _("项目"),
        "responsible": _("负责人"),
        "standard": _("质量标准"),
        "note": _("说明"),
    }.get(column) or column_label(column)


def collection_rate(content: dict[str, Any]) -> Decimal | None:
    """Return received / receivable as a percentage with two places, or None."""
    receivable = decimal_or_none(content["totals"].get("collection_receivable"))
    received = decimal_or_none(content["totals"].get("collection_received"))
    if not receivable:
        return None
    return (received or Decimal("0")) * 100 / receivable


def apply_changes(content: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a copy of the content with the changes applied ({line|total, field, new})."""
    new = json.loads(canonical(content))
    by_id = {item["id"]: item for item in new["lines"]}
    for change in changes:
        if change.get("line") is not None:
            by_id[change["line"]][change["field"]] = change["new"]
        else:
            new["totals"][change["field"]] = change["new"]
    return new
