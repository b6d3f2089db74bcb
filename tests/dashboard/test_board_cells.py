"""The board's cells are drawn without a reverse() or a template loop per figure, and say the same.

The links are formed from one reverse() per URL pattern; the weekly counts compare moments with
local Monday midnights instead of turning each into a date. Both must agree with the slow way
at every edge.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portal.dashboard.board import Cell, Row
from portal.dashboard.figures import url_former, week_index, weekly_counts

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def test_a_formed_drill_link_is_what_reverse_gives():
    drill = url_former("dashboard:drill", "ESTATE", "SOURCE", "COLUMN")
    for slug, source, column in [
        ("jinxiu-garden", "oversight", "overdue"),
        ("a_1", "issues-property", "answered_on_time"),
    ]:
        assert drill(slug, source, column) == reverse(
            "dashboard:drill", args=[slug, source, column]
        )


def test_a_formed_item_link_is_what_reverse_gives():
    item = url_former("oversight:item_detail", "ESTATE", 987654321)
    assert item("jinxiu-garden", 42) == reverse("oversight:item_detail", args=["jinxiu-garden", 42])


def test_a_sample_that_does_not_stand_for_exactly_one_argument_is_refused():
    # "dashboard" is in the path itself, so it cannot mark where the estate goes.
    with pytest.raises(ValueError):
        url_former("dashboard:drill", "dashboard", "SOURCE", "COLUMN")


def test_weekly_counts_put_moments_in_the_week_week_index_names():
    weeks = [date(2026, 3, 2) + timedelta(weeks=n) for n in range(4)]  # Mondays
    monday = datetime(2026, 3, 9, tzinfo=SHANGHAI)
    moments = [
        monday - timedelta(microseconds=1),  # Sunday night in Beijing: the first week
        monday,  # midnight on Monday: the second week
        monday.astimezone(UTC),  # the same instant, read back in UTC (Sunday 16:00)
        (monday - timedelta(seconds=1)).astimezone(UTC),  # a second before: the first week
        datetime(2026, 3, 1, 23, 59, tzinfo=SHANGHAI),  # before the first week: not counted
        datetime(2026, 3, 29, 23, 59, tzinfo=SHANGHAI),  # the last minute of the last week
        date(2026, 3, 16),  # plain dates count too
    ]
    expected = [0.0] * len(weeks)
    for moment in moments:
        index = week_index(weeks, moment)
        if index is not None:
            expected[index] += 1
    assert weekly_counts(weeks, moments) == expected == [2.0, 2.0, 1.0, 1.0]


def test_a_row_draws_its_cells_escaped_with_links_where_they_drill():
    row = Row(
        estate=None,
        cells=[
            Cell("87.5%", "/dashboard/a/notices/read/?from=2026-01-01&to=2026-03-31", "已读率"),
            Cell("<b>—</b>", "", "名称 &amp; 说明"),
        ],
    )
    assert row.cells_html == (
        '<td data-label="已读率"><a href="/dashboard/a/notices/read/?from=2026-01-01&amp;'
        'to=2026-03-31">87.5%</a></td>'
        '<td data-label="名称 &amp; 说明">&lt;b&gt;—&lt;/b&gt;</td>'
    )


def test_the_alerts_are_drawn_escaped_in_their_order():
    from datetime import date as day

    from portal.dashboard.board import Board
    from portal.dashboard.figures import Alert
    from portal.dashboard.period import Period

    board = Board(estates=[], period=Period(first=day(2026, 1, 1), last=day(2026, 3, 31)))
    board.alerts = [
        Alert(1, "a:1", "锦绣花园：督办事项「<修复>门禁」已逾期 9 天", "/o/a/items/1/", "danger"),
        Alert(2, "a:2", "翠苑：公示 & 答复逾期", "/o/b/?x=1&y=2"),
    ]
    assert board.alerts_html == (
        '<li class="alert-danger"><a href="/o/a/items/1/">'
        "锦绣花园：督办事项「&lt;修复&gt;门禁」已逾期 9 天</a></li>"
        '<li class="alert-warning"><a href="/o/b/?x=1&amp;y=2">翠苑：公示 &amp; 答复逾期</a></li>'
    )
