"""Assemble the dashboard for a set of estates and a period: tables, trends and alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from portal.dashboard.charts import weekly_chart
from portal.dashboard.figures import Alert, FigureSource, format_value, one_reading
from portal.dashboard.period import Period
from portal.dashboard.registry import sources


@dataclass
class Cell:
    text: str
    url: str = ""
    label: str = ""


@dataclass
class Table:
    source: FigureSource
    rows: list[tuple[Any, list[Cell]]]
    figures: dict[int, dict[str, Any]]


@dataclass
class Board:
    estates: Sequence[Any]
    period: Period
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, SafeString]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def figures_for(estates: Sequence[Any], period: Period) -> dict[str, dict[int, dict[str, Any]]]:
    """Return {source key: {estate id: figures}}: the raw numbers, for tables and the API."""
    ids = [e.pk for e in estates]
    with one_reading():
        return {source.key: source.compute(ids, period) for source in sources()}


def build_board(estates: Sequence[Any], period: Period, *, with_trends: bool = True) -> Board:
    """Return the tables, trends and alerts, each shared reading taken once (one_reading)."""
    with one_reading():
        return _build_board(estates, period, with_trends=with_trends)


def _build_board(estates: Sequence[Any], period: Period, *, with_trends: bool) -> Board:
    board = Board(estates=estates, period=period)
    ids = [e.pk for e in estates]
    query = period.query()
    for source in sources():
        figures = source.compute(ids, period)
        rows = []
        for estate in estates:
            values = figures.get(estate.pk, {})
            cells = []
            for column in source.columns:
                url = ""
                if column.drill:
                    url = (
                        reverse("dashboard:drill", args=[estate.slug, source.key, column.key])
                        + "?"
                        + query
                    )
                cells.append(
                    Cell(format_value(values.get(column.key), column.kind), url, str(column.label))
                )
            rows.append((estate, cells))
        board.tables.append(Table(source=source, rows=rows, figures=figures))
        if with_trends:
            series = source.weekly(ids, period)
            if series:
                title = str(source.title)
                board.charts.append((title, weekly_chart(title, period.weeks(), series)))
        board.alerts.extend(source.alerts(ids, period))
    names = {e.pk: e.name for e in estates}
    board.alerts.sort(key=lambda a: (a.severity != "danger", names.get(a.estate_id, "")))
    return board
