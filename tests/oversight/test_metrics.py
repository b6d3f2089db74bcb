"""The dashboard's figures: action items and joint meetings per estate for a date range."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deliberation.oversight import actions, metrics
from deliberation.oversight.models import local_today
from portal.community.models import Estate
from tests.oversight.conftest import make_item


def test_action_item_figures_per_estate(
    estate_a, estate_b, committee_chair, property_manager, time_machine, django_assert_num_queries
):
    time_machine.move_to("2026-11-02 09:00 +08:00", tick=False)
    late = make_item(estate_a, committee_chair, due=date(2026, 11, 10), title="逾期")
    make_item(estate_a, committee_chair, due=date(2026, 12, 31), title="未完成")
    done = make_item(estate_a, committee_chair, due=date(2026, 12, 31), title="完成")
    actions.post_update(done, actor=property_manager, note="完成", progress=100, state="done")
    time_machine.move_to("2026-10-15 09:00 +08:00", tick=False)
    make_item(estate_a, committee_chair, due=date(2026, 10, 20), title="上月的")
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    assert late.due_date < date(2026, 11, 27)
    with django_assert_num_queries(1):
        figures = metrics.action_item_figures(
            Estate.objects.all(), date(2026, 11, 1), date(2026, 11, 30)
        )
    a, b = figures[estate_a.pk], figures[estate_b.pk]
    assert (a.opened, a.done, a.open, a.overdue) == (3, 1, 1, 1)
    assert (b.opened, b.done, b.open, b.overdue) == (0, 0, 0, 0)


def test_the_range_ends_at_midnight_in_shanghai(estate_a, committee_chair, time_machine):
    # 23:30 on 30 November in Beijing is still November there (15:30 UTC).
    time_machine.move_to("2026-11-30 23:30 +08:00", tick=False)
    make_item(estate_a, committee_chair, due=date(2026, 12, 5))
    november = metrics.action_item_figures(
        Estate.objects.filter(pk=estate_a.pk), date(2026, 11, 1), date(2026, 11, 30)
    )
    december = metrics.action_item_figures(
        Estate.objects.filter(pk=estate_a.pk), date(2026, 12, 1), date(2026, 12, 31)
    )
    assert november[estate_a.pk].opened == 1 and december[estate_a.pk].opened == 0


def test_meetings_held_counts_only_meetings_with_minutes_in_the_range(
    estate_a, estate_b, community_official, django_assert_num_queries
):
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    held = actions.convene_meeting(
        estate_a,
        actor=community_official,
        title="十一月会议",
        starts_at=datetime(2026, 11, 12, 14, 0, tzinfo=zone),
        place="会所",
    )
    actions.record_minutes(held, actor=community_official, text="纪要")
    actions.convene_meeting(  # planned only: not held
        estate_a,
        actor=community_official,
        title="计划中的会议",
        starts_at=datetime(2026, 11, 20, 14, 0, tzinfo=zone),
        place="会所",
    )
    with django_assert_num_queries(1):
        counts = metrics.meetings_held(Estate.objects.all(), date(2026, 11, 1), date(2026, 11, 30))
    assert counts == {estate_a.pk: 1, estate_b.pk: 0}
    assert metrics.meetings_held(
        Estate.objects.all(), date(2026, 12, 1), date(2026, 12, 31) + timedelta(days=0)
    ) == {estate_a.pk: 0, estate_b.pk: 0}


def test_opened_equals_done_plus_open_plus_overdue_for_the_same_items(
    estate_a, committee_chair, property_manager, time_machine
):
    # Opened in October, completed in November: not part of November's items at all.
    time_machine.move_to("2026-10-20 09:00 +08:00", tick=False)
    october = make_item(estate_a, committee_chair, due=date(2026, 11, 5), title="十月立项")
    time_machine.move_to("2026-11-03 09:00 +08:00", tick=False)
    actions.post_update(october, actor=property_manager, note="完成", progress=100, state="done")
    done = make_item(estate_a, committee_chair, due=date(2026, 11, 20), title="已完成")
    make_item(estate_a, committee_chair, due=date(2026, 11, 10), title="已逾期")
    make_item(estate_a, committee_chair, due=date(2026, 12, 31), title="进行中")
    time_machine.move_to("2026-11-12 09:00 +08:00", tick=False)
    actions.post_update(done, actor=property_manager, note="完成", progress=100, state="done")
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    (a,) = metrics.action_item_figures(
        Estate.objects.filter(pk=estate_a.pk), date(2026, 11, 1), date(2026, 11, 30)
    ).values()
    assert (a.opened, a.done, a.open, a.overdue) == (3, 1, 1, 1)
    assert a.opened == a.done + a.open + a.overdue


def test_an_item_is_opened_at_its_date_and_never_overdue_that_day(estate_a, committee_chair):
    zone = timezone.get_default_timezone()
    opened = datetime(2026, 10, 1, 17, 0, tzinfo=zone)
    item = make_item(estate_a, committee_chair, due=date(2026, 10, 1), now=opened)
    assert item.created_at == opened
    assert item.days_overdue(date(2026, 10, 1)) is None  # due today is not late
    assert item.days_overdue(date(2026, 10, 8)) == 7
    with pytest.raises(ValidationError, match="完成期限不能早于今天"):
        make_item(estate_a, committee_chair, due=date(2026, 9, 30), now=opened)


def test_days_overdue_count_beijing_days(estate_a, committee_chair, time_machine):
    time_machine.move_to("2026-10-31 09:00 +08:00", tick=False)
    item = make_item(estate_a, committee_chair, due=date(2026, 11, 1))
    # 00:30 on 2 November in Beijing is still 1 November in UTC: one day late in Beijing.
    time_machine.move_to("2026-11-02 00:30 +08:00", tick=False)
    assert local_today() == date(2026, 11, 2)
    assert item.days_overdue(local_today()) == 1
