"""The one way a page hands a table to Excel: CSV in UTF-8 with a BOM (so Excel opens the
Chinese correctly) or XLSX. Callers build the rows; these only write the response.

Every cell goes through `neutralise`, so text that people typed (an opinion, a building name, a
title) can never reach a spreadsheet as a formula (CSV/formula injection: `=HYPERLINK(...)`,
`=cmd|...`). XLSX text is also written as a typed string cell, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise

from portal.text_checks import looks_like_formula, xml_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Return the cell value safe for a spreadsheet: text that a spreadsheet would read as a
    formula gets a leading apostrophe (shown as text, as OWASP advises); numbers, dates and
    other non-text values pass unchanged, so -3 stays a number.
    """
    if isinstance(value, Promise):  # a lazy translation is text too
        value = str(value)
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_row(row: Sequence[Any]) -> list[Any]:
    """Return one row with every cell neutralised."""
    return [neutralise(cell) for cell in row]


def write_csv(stream: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Write rows as CSV to a text stream, every cell neutralised."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow(neutralise_row(row))


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Return rows as CSV bytes in UTF-8 with a BOM, every cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    write_csv(out, rows)
    return out.getvalue().encode("utf-8")


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """Return rows as an attachment `<filename>.csv`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    write_csv(response, rows)
    return response


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """Return rows as an XLSX workbook of one sheet; text cells are typed strings."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=str(sheet)[:31])
    for row in rows:
        cells = []
        for value in neutralise_row(row):
            if isinstance(value, str):
                # XML 1.0 cannot carry most control characters; openpyxl would raise on them.
                value = xml_safe(value)
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, str):
                # openpyxl makes any text starting with "=" a formula; say it is a string.
                cell.data_type = "s"
            cells.append(cell)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(rows: Iterable[Sequence[Any]], filename: str, *, sheet: str) -> HttpResponse:
    """Return rows as an attachment `<filename>.xlsx` with one sheet."""
    response = HttpResponse(xlsx_bytes(rows, sheet=sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
