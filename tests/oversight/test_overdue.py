"""The daily overdue reminder: who hears, once per item and day, through the one path."""

from __future__ import annotations

from datetime import date

import pytest
from django_q.models import Schedule

from deliberation.oversight import actions, tasks
from deliberation.oversight.schedules import OVERDUE_SCHEDULE_NAME, ensure_schedules
from portal.community.models import AuditEvent
from portal.notifications.models import Notification, NotificationBatch
from tests.oversight.conftest import make_item


@pytest.fixture
def late_item(estate_a, committee_chair, property_manager, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    item = make_item(
        estate_a, committee_chair, due=date(2026, 11, 26), responsible_person=property_manager
    )
    time_machine.move_to("2026-11-27 08:30 +08:00", tick=False)
    return item


def _overdue_recipients(item, day="2026-11-27"):
    return set(
        Notification.objects.filter(
            batch__dedupe_key=f"oversight:item:{item.pk}:overdue:{day}"
        ).values_list("user__display_name", flat=True)
    )


def test_an_overdue_item_notifies_the_responsible_person_committee_and_community(
    late_item,
    committee_chair,
    committee_member,
    property_manager,
    property_staff,
    community_official,
    owner,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_overdue_action_items() == 1
    assert _overdue_recipients(late_item) == {"赵经理", "陈建国", "刘秀英", "吴主任"}
    batch = NotificationBatch.objects.get(dedupe_key__contains=":overdue:")
    assert batch.category == "action_item" and batch.url == late_item.get_absolute_url()
    event = AuditEvent.objects.get(action="oversight.action_item.overdue_notified")
    assert event.details["days_overdue"] == 1


def test_without_a_responsible_person_the_partys_staff_hear(
    estate_a,
    committee_chair,
    property_manager,
    property_staff,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    item = make_item(estate_a, committee_chair, due=date(2026, 11, 26))
    time_machine.move_to("2026-11-27 08:30 +08:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_overdue_items()
    assert {"赵经理", "孙师傅", "陈建国"} <= _overdue_recipients(item)


def test_running_twice_the_same_day_notifies_once(
    late_item, property_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue_items() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue_items() == 0
    key = f"oversight:item:{late_item.pk}:overdue:2026-11-27"
    assert NotificationBatch.objects.filter(dedupe_key=key).count() == 1
    assert Notification.objects.filter(user=property_manager, dedupe_key=key).count() == 1
    assert AuditEvent.objects.filter(action="oversight.action_item.overdue_notified").count() == 1


def test_a_retry_that_lost_the_claim_still_never_notifies_twice(
    late_item, property_manager, django_capture_on_commit_callbacks
):
    """Even if the day's claim were lost, the dedupe key keeps each person to one message."""
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_overdue_items()
    type(late_item).objects.filter(pk=late_item.pk).update(overdue_notified_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_overdue_items()
    key = f"oversight:item:{late_item.pk}:overdue:2026-11-27"
    assert Notification.objects.filter(user=property_manager, dedupe_key=key).count() == 1


def test_the_next_day_brings_a_new_reminder(
    late_item, property_manager, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_overdue_items()
    time_machine.move_to("2026-11-28 08:30 +08:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue_items() == 1
    assert (
        Notification.objects.filter(user=property_manager, dedupe_key__contains=":overdue:").count()
        == 2
    )


def test_items_due_today_or_done_are_not_reminded(
    estate_a, committee_chair, property_manager, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    make_item(estate_a, committee_chair, due=date(2026, 11, 27), title="今天到期")
    done = make_item(estate_a, committee_chair, due=date(2026, 11, 21), title="已完成")
    actions.post_update(done, actor=property_manager, note="完成", progress=100, state="done")
    time_machine.move_to("2026-11-27 08:30 +08:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notify_overdue_items() == 0
    assert not NotificationBatch.objects.filter(dedupe_key__contains=":overdue:").exists()


def test_the_daily_schedule_exists_once(db):
    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=OVERDUE_SCHEDULE_NAME)
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.func == "deliberation.oversight.tasks.notify_overdue_action_items"
