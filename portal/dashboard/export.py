"""Every dashboard table as rows for portal.spreadsheets (CSV or XLSX)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
