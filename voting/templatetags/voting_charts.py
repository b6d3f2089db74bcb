"""Geometry of the server-rendered SVG turnout chart (no JavaScript, no chart library).

Narrow by design (360 units wide, each row a label above two bars) so that it stays legible
on a 390 px phone; CSS caps its width on larger screens.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()

BAR_X = 0
BAR_WIDTH = 300
ROW_HEIGHT = 58


def _width(percent: Decimal) -> float:
    return float(min(percent, Decimal(100))) / 100 * BAR_WIDTH


@register.simple_tag
def chart_rows(bars: list[Any], quorum_percent: Decimal = Decimal("66.66")) -> dict[str, Any]:
    """Return the rows of the chart with their bar widths and positions."""
    items = []
    for index, bar in enumerate(bars):
        area_width, heads_width = _width(bar.area_percent), _width(bar.heads_percent)
        items.append(
            {
                "y": index * ROW_HEIGHT,
                "label": bar.label,
                "area_percent": bar.area_percent,
                "heads_percent": bar.heads_percent,
                "area_width": f"{area_width:.1f}",
                "heads_width": f"{heads_width:.1f}",
                "area_text_x": f"{BAR_X + area_width + 4:.1f}",
                "heads_text_x": f"{BAR_X + heads_width + 4:.1f}",
            }
        )
    plot_height = len(items) * ROW_HEIGHT
    return {
        "items": items,
        "plot_height": plot_height,
        "legend_y": plot_height + 14,
        "height": plot_height + 44,
        "quorum_x": f"{BAR_X + float(quorum_percent) / 100 * BAR_WIDTH:.1f}",
    }
