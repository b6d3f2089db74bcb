"""The one way a page hands a table to Excel: CSV in UTF-8 with a BOM (so Excel opens the
Chinese correctly) or XLSX. Callers build the rows; these only write the response."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """Return rows as an attachment `<filename>.csv`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    csv.writer(response).writerows(rows)
    return response


def xlsx_response(rows: Iterable[Sequence[Any]], filename: str, *, sheet: str) -> HttpResponse:
    """Return rows as an attachment `<filename>.xlsx` with one sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=str(sheet)[:31])
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
