"""Notifications: at the opening to the audience, before the close to those who have not
responded, and (see test_report) at the report's publication. Each reaches a person once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django_q.models import Schedule

from consultations import actions, tasks
from portal.notifications.models import Notification
from tests.consultations.conftest import make_consultation, valid_answers

pytestmark = pytest.mark.django_db


def _told(key: str) -> set[str]:
    return set(
        Notification.objects.filter(dedupe_key=key).values_list("user__display_name", flat=True)
    )


def test_publishing_an_open_consultation_tells_the_owners_once(
    consultation_index,
    owner,
    owner_building1,
    tenant,
    committee_chair,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(consultation_index)
    key = f"consultation:{consultation.pk}:opening"
    assert _told(key) == {"王芳", "李强"}  # owners only: not the tenant, not staff
    with django_capture_on_commit_callbacks(execute=True):
        consultation.save_revision().publish()
    assert Notification.objects.filter(dedupe_key=key).count() == 2


def test_a_consultation_for_all_residents_tells_the_tenant_too(
    consultation_index, owner, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(consultation_index, audience="residents")
    assert _told(f"consultation:{consultation.pk}:opening") == {"王芳", "张敏"}


def test_an_upcoming_consultation_is_announced_when_it_opens(
    consultation_index, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upcoming = make_consultation(
            consultation_index, opens_in=timedelta(days=2), closes_in=timedelta(days=9)
        )
    key = f"consultation:{upcoming.pk}:opening"
    schedule = Schedule.objects.get(name=key)
    assert schedule.next_run == upcoming.opens_at
    assert schedule.func == "consultations.tasks.send_opening_notice"
    assert _told(key) == set()
    # Run early (a clock skew), nothing is sent; at the opening, once, however often it runs.
    assert tasks.send_opening_notice(upcoming.pk) == 0
    with time_machine.travel(upcoming.opens_at + timedelta(seconds=5)):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.send_opening_notice(upcoming.pk)
    assert _told(key) == {"王芳"}
    assert Notification.objects.filter(dedupe_key=key).count() == 1


def test_the_reminder_is_scheduled_before_the_close_and_reaches_only_non_respondents(
    consultation_index, owner, owner_building1, django_capture_on_commit_callbacks
):
    consultation = make_consultation(consultation_index, reminder_hours=24)
    key = f"consultation:{consultation.pk}:reminder"
    assert Schedule.objects.get(name=key).next_run == consultation.closes_at - timedelta(hours=24)
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    with time_machine.travel(consultation.reminder_at + timedelta(seconds=1)):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.send_closing_reminder(consultation.pk)
    assert _told(key) == {"李强"}
    assert Notification.objects.filter(dedupe_key=key).count() == 1


def test_no_reminder_after_the_close(consultation, owner, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(consultation.closes_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.send_closing_reminder(consultation.pk) == 0
    assert _told(f"consultation:{consultation.pk}:reminder") == set()


def test_a_deleted_consultation_is_skipped_by_its_tasks(db):
    assert tasks.send_opening_notice(999_999) == 0
    assert tasks.send_closing_reminder(999_999) == 0
