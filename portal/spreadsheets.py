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


# --- reading ---------------------------------------------------------------------------------


class SpreadsheetError(ValueError):
    """A workbook that cannot be read safely; the message says why, in Chinese."""


def read_xlsx_sheets(
    fileobj: Any, *, max_rows: int, max_columns: int, max_unpacked_bytes: int = 20 * 1024 * 1024
) -> dict[str, list[list[Any]]]:
    """Return every sheet of an uploaded XLSX as rows of cell values (formulas as their cached
    values, never evaluated), after checking what the zip unpacks to and each sheet's size.

    An XLSX file is a zip: a small upload can unpack to a sheet of a million rows, so the
    unpacked size is checked before a single row is read, and a sheet that declares a small
    size but holds more rows is stopped at `max_rows` all the same.
    """
    import zipfile

    from django.utils.translation import gettext as _
    from openpyxl import load_workbook

    unreadable = SpreadsheetError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable from exc
    if unpacked > max_unpacked_bytes:
        raise SpreadsheetError(_("Excel 文件内容过大。"))
    fileobj.seek(0)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise unreadable from exc
    sheets: dict[str, list[list[Any]]] = {}
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            rows: list[list[Any]] = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= max_rows:
                    raise SpreadsheetError(
                        _("工作表“%(sheet)s”行数过多（最多 %(max)s 行）。")
                        % {"sheet": sheet.title, "max": max_rows}
                    )
                rows.append(list(row[:max_columns]))
            sheets[sheet.title] = rows
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged sheet fails while streaming, not when opened
        raise unreadable from exc
    finally:
        workbook.close()
    return sheets


def xlsx_workbook_bytes(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    """Return several sheets as one XLSX workbook; every cell neutralised, text typed as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title=str(title)[:31])
        for row in rows:
            cells = []
            for value in neutralise_row(row):
                if isinstance(value, str):
                    value = xml_safe(value)
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
