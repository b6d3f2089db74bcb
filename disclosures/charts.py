"""Charts of disclosures, SVG drawn on the server (no JavaScript): income by source as bars
(consultations.charts.bar_chart, the portal's one bar chart) and trends across periods."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consultations.charts import Bar, bar_chart
from disclosures.checks import money

WIDTH, HEIGHT = 360, 170
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 8, 8, 14, 26
COLOURS = ("#1d6fb8", "#2e7d32", "#b3261e", "#8e5a00")


def income_by_source(rows: Sequence[dict], *, title: str) -> SafeString:
    """Return bars of each source's income (its share of the total), captioned in 元."""
    total = sum((r["income"] or Decimal("0") for r in rows), Decimal("0"))
    bars = [
        Bar(
            r["label"],
            float(r["income"] / total) if total and r["income"] else 0.0,
            _("%(amount)s 元") % {"amount": money(r["income"])},
        )
        for r in rows
    ]
    return bar_chart(bars, title=title)


def trend_chart(
    title: str, labels: Sequence[str], series: dict[str, Sequence[Decimal | None]]
) -> SafeString:
    """Return an accessible SVG line chart, one point per period (oldest first)."""
    if not labels or not series:
        return SafeString("")
    values = [v for vs in series.values() for v in vs if v is not None]
    peak = max(values, default=Decimal("0")) or Decimal("1")
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return PAD_LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(v: Decimal) -> float:
        return PAD_TOP + plot_h - float(v / peak) * plot_h

    lines = []
    for n, (name, points) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        coords = [(x(i), y(v), v) for i, v in enumerate(points) if v is not None]
        lines.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title></polyline>',
                colour,
                " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _v in coords),
                name,
            )
        )
        lines.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>',
                ((f"{cx:.1f}", f"{cy:.1f}", colour, f"{name} {money(v)}") for cx, cy, v in coords),
            )
        )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#555">{}</text>',
        ((f"{x(i):.1f}", HEIGHT - 10, label) for i, label in enumerate(labels)),
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="0" width="10" height="10" fill="{}"></rect>'
        '<text x="{}" y="9" font-size="10" fill="#333">{}</text>',
        (
            (PAD_LEFT + n * 120, COLOURS[n % len(COLOURS)], PAD_LEFT + n * 120 + 14, name)
            for n, name in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="trend-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{title}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        '<line x1="{pl}" y1="{base}" x2="{right}" y2="{base}" stroke="#ccc"></line>'
        '<text x="{pl}" y="{top}" font-size="9" fill="#666">{peak}</text>'
        '{lines}{ticks}<g transform="translate(0,{legend_y})">{legend}</g></svg>',
        w=WIDTH,
        h=HEIGHT + 16,
        title=title,
        pl=PAD_LEFT,
        base=PAD_TOP + plot_h,
        right=WIDTH - PAD_RIGHT,
        top=PAD_TOP - 4,
        peak=money(peak),
        lines=SafeString("".join(str(part) for part in lines)),
        ticks=ticks,
        legend_y=HEIGHT + 2,
        legend=legend,
    )
