"""Weekly trend charts as SVG drawn on the server: no JavaScript, readable on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 180
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 12, 12, 28
COLOURS = ("#b3261e", "#1d6fb8", "#2e7d32", "#8e5a00", "#6a1b9a")


def weekly_chart(
    title: str, weeks: Sequence[date], series: dict[str, Sequence[float]]
) -> SafeString:
    """Return an accessible SVG line chart of weekly series (one value per week)."""
    if not weeks or not series:
        return SafeString("")
    peak = max((max(values) for values in series.values() if values), default=0) or 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(weeks) - 1, 1)

    def x(i: int) -> float:
        return PAD_LEFT + i * step

    def y(v: float) -> float:
        return PAD_TOP + plot_h - (v / peak) * plot_h

    lines = []
    legend = []
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        lines.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title></polyline>',
                colour,
                points,
                name,
            )
        )
        legend.append((colour, name, PAD_LEFT + n * 150))
    label_every = max(1, len(weeks) // 6)
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#666">{}</text>',
        (
            (f"{x(i):.1f}", HEIGHT - 8, week.strftime("%m-%d"))
            for i, week in enumerate(weeks)
            if i % label_every == 0
        ),
    )
    legend_html = format_html_join(
        "",
        '<rect x="{}" y="0" width="10" height="10" fill="{}"></rect>'
        '<text x="{}" y="9" font-size="11" fill="#333">{}</text>',
        ((left, colour, left + 14, name) for colour, name, left in legend),
    )
    return format_html(
        '<svg class="trend-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{title}">'
        "<title>{title}</title>"
        '<line x1="{pl}" y1="{base}" x2="{right}" y2="{base}" stroke="#ccc"></line>'
        '<text x="4" y="{top}" font-size="10" fill="#666">{peak}</text>'
        '{lines}{ticks}<g transform="translate(0,{legend_y})">{legend}</g></svg>',
        w=WIDTH,
        h=HEIGHT + 16,
        title=title,
        pl=PAD_LEFT,
        base=PAD_TOP + plot_h,
        right=WIDTH - PAD_RIGHT,
        top=PAD_TOP + 8,
        peak=f"{peak:g}",
        lines=SafeString("".join(lines)),
        ticks=ticks,
        legend_y=HEIGHT + 4,
        legend=legend_html,
    )
