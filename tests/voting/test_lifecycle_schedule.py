"""The timetable: django-q2 schedules made at the notice, and idempotent tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from portal.community.models import AuditEvent
from tests.voting.conftest import (
    full_choices,
    inform_residents_committee,
    make_assembly,
    right_of,
)
from voting import actions, lifecycle, tasks
from voting.choices import AssemblyState
from voting.models import AssemblyPage

pytestmark = pytest.mark.django_db


def names(assembly) -> dict[str, object]:
    return {s.name.split(":", 2)[2]: s.next_run for s in lifecycle.schedules_of(assembly)}


def fresh(assembly) -> AssemblyPage:
    return AssemblyPage.objects.get(pk=assembly.pk)


@pytest.fixture
def announced(draft_assembly, committee_chair) -> AssemblyPage:
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    inform_residents_committee(draft_assembly, committee_chair)
    return fresh(draft_assembly)


def test_announcing_schedules_open_reminders_close_and_tally(announced):
    opens, closes = announced.voting_opens_at, announced.voting_closes_at
    assert names(announced) == {
        "open": opens,
        "remind:3": closes - timedelta(days=3),
        "remind:1": closes - timedelta(days=1),
        "close": closes,
        "tally": closes + lifecycle.TALLY_DELAY,
    }
    schedule = Schedule.objects.get(name=f"voting:{announced.pk}:remind:3")
    assert schedule.func == "voting.tasks.remind_non_voters"
    assert schedule.args == repr((announced.pk, 3))
    assert schedule.schedule_type == Schedule.ONCE


def test_syncing_again_changes_nothing(announced):
    before = names(announced)
    lifecycle.sync_schedules(announced)
    lifecycle.sync_schedules(announced)
    assert names(announced) == before
    assert Schedule.objects.filter(name__startswith=f"voting:{announced.pk}:").count() == 5


def test_reminder_days_are_configurable_per_assembly(estate_a, register, committee_chair):
    now = timezone.now()
    page = make_assembly(
        estate_a,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        reminder_days="5",
    )
    actions.announce_assembly(page, actor=committee_chair)
    assert set(names(page)) == {"open", "remind:5", "close", "tally"}


def test_reminders_outside_the_voting_window_are_not_scheduled(estate_a, register, committee_chair):
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=18)
    )
    actions.announce_assembly(page, actor=committee_chair)
    assert set(names(page)) == {"open", "remind:1", "close", "tally"}


def test_republishing_with_new_reminder_days_moves_the_schedules(announced):
    page = fresh(announced)
    page.reminder_days = "7,2"
    page.save_revision().publish()
    closes = announced.voting_closes_at
    assert names(announced) == {
        "open": announced.voting_opens_at,
        "remind:7": closes - timedelta(days=7),
        "remind:2": closes - timedelta(days=2),
        "close": closes,
        "tally": closes + lifecycle.TALLY_DELAY,
    }


def test_the_open_task_opens_once_and_tells_the_owners_once(announced, owner, notifications):
    with time_machine.travel(announced.voting_opens_at + timedelta(minutes=1), tick=False):
        assert tasks.open_assembly_voting(announced.pk) == "opened"
        assert tasks.open_assembly_voting(announced.pk) == "skipped"
    page = fresh(announced)
    assert page.state == AssemblyState.OPEN and hasattr(page, "roll")
    # The 投票开始公告 (with the frozen roll's hash) is the one message about the opening.
    opened = [
        n
        for n in notifications.sent
        if n["title"].startswith("投票开始公告") and n["category"] == "assembly"
    ]
    assert len(opened) == 1 and owner in opened[0]["recipients"]
    assert opened[0]["category"] == "assembly"


def test_the_open_task_run_early_reschedules_instead_of_opening(announced):
    with time_machine.travel(announced.voting_opens_at - timedelta(hours=2), tick=False):
        assert tasks.open_assembly_voting(announced.pk) == "rescheduled"
    assert fresh(announced).state == AssemblyState.ANNOUNCED
    assert names(announced)["open"] == announced.voting_opens_at


def test_reminders_go_to_rights_that_have_not_voted_once(
    announced, owner, owner_building1, register, notifications
):
    with time_machine.travel(announced.voting_opens_at + timedelta(minutes=1), tick=False):
        tasks.open_assembly_voting(announced.pk)
        page = fresh(announced)
        actions.cast_ballot(
            page, right_of(owner, page), full_choices(page), channel="online", cast_by=owner
        )
    with time_machine.travel(announced.voting_closes_at - timedelta(days=3), tick=False):
        assert tasks.remind_non_voters(announced.pk, 3) == "reminded"
        assert tasks.remind_non_voters(announced.pk, 3) == "skipped"
    reminders = [n for n in notifications.sent if ":reminder:" in n["dedupe_key"]]
    assert len(reminders) == 1
    assert reminders[0]["dedupe_key"] == f"voting:assembly:{announced.pk}:reminder:3"
    assert owner not in reminders[0]["recipients"]
    assert {owner_building1, register.multi_owner} <= set(reminders[0]["recipients"])


def test_a_reminder_after_the_close_does_nothing(announced, notifications):
    with time_machine.travel(announced.voting_closes_at + timedelta(hours=1), tick=False):
        assert tasks.remind_non_voters(announced.pk, 1) == "skipped"
    assert not [n for n in notifications.sent if ":reminder:" in n["dedupe_key"]]


def test_close_and_tally_run_once_and_ask_the_committee_to_certify(
    announced, committee_chair, committee_member, notifications
):
    with time_machine.travel(announced.voting_opens_at + timedelta(minutes=1), tick=False):
        tasks.open_assembly_voting(announced.pk)
    with time_machine.travel(announced.voting_closes_at, tick=False):
        assert tasks.close_assembly_voting(announced.pk) == "closed"
        assert tasks.close_assembly_voting(announced.pk) == "skipped"
    with time_machine.travel(announced.voting_closes_at + lifecycle.TALLY_DELAY, tick=False):
        assert tasks.tally_assembly(announced.pk) == "tallied"
        assert tasks.tally_assembly(announced.pk) == "skipped"
    assert fresh(announced).state == AssemblyState.CLOSED
    assert AuditEvent.objects.filter(action="assembly.tallied").count() == 1
    asked = [n for n in notifications.sent if n["dedupe_key"].endswith(":tallied")]
    assert len(asked) == 1
    assert set(asked[0]["recipients"]) == {committee_chair, committee_member}


def test_the_tally_task_closes_first_when_the_close_has_not_run(announced):
    with time_machine.travel(announced.voting_opens_at + timedelta(minutes=1), tick=False):
        tasks.open_assembly_voting(announced.pk)
    with time_machine.travel(announced.voting_closes_at + timedelta(minutes=5), tick=False):
        assert tasks.tally_assembly(announced.pk) == "tallied"
    assert fresh(announced).state == AssemblyState.CLOSED


def test_tasks_for_a_missing_assembly_do_nothing():
    assert tasks.open_assembly_voting(999_999) == "skipped"
    assert tasks.remind_non_voters(999_999, 3) == "skipped"
    assert tasks.close_assembly_voting(999_999) == "skipped"
    assert tasks.tally_assembly(999_999) == "skipped"
