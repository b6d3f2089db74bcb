"""Assemble the dashboard for a set of estates and a period: tables, trends and alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.dashboard.charts import weekly_chart
from portal.dashboard.figures import (
    Alert,
    FigureSource,
    format_value,
    one_reading,
    url_former,
)
from portal.dashboard.period import Period
from portal.dashboard.registry import sources


@dataclass
class Cell:
    text: str
    url: str = ""
    label: str = ""  # the column heading, escaped once per table

    @property
    def html(self) -> str:
        """The cell's <td>, as index.html showed it (a link where the figure drills down)."""
        text = escape(self.text)
        if self.url:
            text = f'<a href="{escape(self.url)}">{text}</a>'
        return f'<td data-label="{self.label}">{text}</td>'


@dataclass
class Row:
    """One estate's figures in one table."""

    estate: Any
    cells: list[Cell]

    @property
    def cells_html(self) -> SafeString:
        """The row's cells drawn here, not by a template loop: a board has thousands."""
        return mark_safe("".join(cell.html for cell in self.cells))  # noqa: S308 - escaped above


@dataclass
class Table:
    source: FigureSource
    rows: list[Row]
    figures: dict[int, dict[str, Any]]


@dataclass
class Board:
    estates: Sequence[Any]
    period: Period
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, SafeString]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def alerts_html(self) -> SafeString:
        """The alerts' list items, drawn here as the cells are: a district can have hundreds."""
        return mark_safe(  # noqa: S308 - every value escaped
            "".join(
                f'<li class="alert-{escape(a.severity)}"><a href="{escape(a.url)}">'
                f"{escape(a.message)}</a></li>"
                for a in self.alerts
            )
        )


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
    drill_url = url_former("dashboard:drill", "ESTATE", "SOURCE", "COLUMN")
    for source in sources():
        figures = source.compute(ids, period)
        columns = [
            (column.key, column.kind, escape(str(column.label)), column.drill)
            for column in source.columns
        ]
        rows = []
        for estate in estates:
            values = figures.get(estate.pk, {})
            cells = []
            for key, kind, label, drill in columns:
                url = drill_url(estate.slug, source.key, key) + "?" + query if drill else ""
                cells.append(Cell(format_value(values.get(key), kind), url, label))
            rows.append(Row(estate, cells))
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
