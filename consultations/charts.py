"""SVG charts drawn on the server: horizontal bars, readable on a phone, no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A narrow drawing, so that scaled to a phone's width (≈ 330 px) the text stays readable.
WIDTH = 360
LABEL_HEIGHT = 24
BAR_HEIGHT = 16
ROW_GAP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # share of the whole, 0..1
    caption: str  # what is written after the bar, e.g. "12 人 · 40.0%"


def bar_chart(bars: Sequence[Bar], *, title: str) -> SafeString:
    """Return an accessible SVG bar chart: each label above its bar, its figure on the right."""
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = max(row * len(bars), row)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = index * row
        share = min(max(bar.value, 0.0), 1.0)
        width = round(WIDTH * share, 1)
        parts.append(
            f'<text x="0" y="{y + 17}" class="chart-label">{escape(bar.label)}</text>'
            f'<text x="{WIDTH}" y="{y + 17}" class="chart-value" text-anchor="end">'
            f"{escape(bar.caption)}</text>"
            f'<rect x="0" y="{y + LABEL_HEIGHT}" width="{WIDTH}" height="{BAR_HEIGHT}" '
            f'class="chart-track" rx="3"/>'
            f'<rect x="0" y="{y + LABEL_HEIGHT}" width="{width}" height="{BAR_HEIGHT}" '
            f'class="chart-bar" rx="3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
