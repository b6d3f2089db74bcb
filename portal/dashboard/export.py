"""Every dashboard table as CSV (UTF-8 with BOM, so Excel opens Chinese) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from portal.dashboard.figures import FigureSource, export_value


def table_rows(
    source: FigureSource, estates: Sequence[Any], figures: dict[int, dict]
) -> list[list]:
    header = [str(_estate_heading()), *(str(c.label) for c in source.columns)]
    rows = [header]
    for estate in estates:
        values = figures.get(estate.pk, {})
        rows.append(
            [estate.name, *(export_value(values.get(c.key), c.kind) for c in source.columns)]
        )
    return rows


def _estate_heading():
    from django.utils.translation import gettext

    return gettext("小区")


def csv_response(rows: list[list], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: list[list], filename: str, sheet: str) -> HttpResponse:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
