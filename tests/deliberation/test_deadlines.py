"""Issue reports: official answers, responsibility, the state machine, deadlines, escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_q.models import Schedule

from deliberation import actions
from deliberation.choices import DeadlineStatus, ThreadState
from deliberation.models import Assignment, DeadlinePolicy, DeliberationSettings, Escalation
from portal.community.choices import Party
from portal.community.models import AuditEvent
from tests.deliberation.conftest import keys_like, notified, report_issue

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def roof_at_nine(estate_a, owner, property_staff, committee_chair, community_official):
    """The report is made at 09:00 on a Monday; the cast that answers it exists already."""
    with time_machine.travel(START, tick=False):
        return report_issue(estate_a, owner)


def answer(thread, user, text="已安排维修师傅今天下午上门查看。"):
    return actions.add_post(thread, user, body=text, official=True)


# --- official answers ------------------------------------------------------------------------


def test_the_first_official_answer_of_the_responsible_party_is_the_first_response(
    roof_at_nine, property_staff, owner
):
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        post = answer(roof_at_nine, property_staff)
    roof_at_nine.refresh_from_db()
    assert post.official_party == Party.PROPERTY
    assert roof_at_nine.state == ThreadState.IN_PROGRESS
    assert roof_at_nine.first_response_at == START + timedelta(hours=3)
    assert owner.pk in notified(f"deliberation:post:{post.pk}:official")


def test_an_official_answer_of_another_party_does_not_count_as_the_response(
    roof_at_nine, committee_chair
):
    post = answer(roof_at_nine, committee_chair, "业委会已督促物业处理。")
    roof_at_nine.refresh_from_db()
    assert post.official_party == Party.COMMITTEE
    assert roof_at_nine.first_response_at is None
    assert roof_at_nine.state == ThreadState.PENDING


def test_a_party_member_may_not_mark_an_owners_post_as_official(roof_at_nine, property_staff):
    opening = roof_at_nine.posts.get(is_opening=True)
    with pytest.raises(ValidationError):
        actions.mark_official(opening, property_staff)


def test_answered_exactly_at_24_hours_is_on_time(roof_at_nine, property_staff):
    with time_machine.travel(START + timedelta(hours=24), tick=False):
        answer(roof_at_nine, property_staff)
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.response_status() == DeadlineStatus.ON_TIME


def test_answered_one_second_after_24_hours_is_late_not_overdue(roof_at_nine, property_staff):
    with time_machine.travel(START + timedelta(hours=24, seconds=1), tick=False):
        answer(roof_at_nine, property_staff)
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.response_status() == DeadlineStatus.LATE
    assert not roof_at_nine.is_overdue(START + timedelta(hours=25))


def test_deadlines_come_from_the_estates_policy_for_the_category(estate_a, owner):
    DeadlinePolicy.objects.create(
        estate=estate_a, category="repair", response_hours=4, close_hours=12
    )
    thread = report_issue(estate_a, owner)
    assert thread.response_due_at - thread.created_at == timedelta(hours=4)
    assert thread.close_due_at - thread.created_at == timedelta(hours=12)
    other = report_issue(estate_a, owner, title="投诉", category="complaint")
    assert other.response_due_at - other.created_at == timedelta(hours=24)


# --- responsibility -----------------------------------------------------------------------------


def test_reassignment_is_recorded_with_who_and_why_and_notifies_the_new_party(
    client, roof_at_nine, property_manager, committee_chair, committee_member
):
    actions.assign(
        roof_at_nine, property_manager, party=Party.COMMITTEE, reason="屋面防水需动用维修资金"
    )
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.responsible_party == Party.COMMITTEE
    history = list(Assignment.objects.filter(thread=roof_at_nine).values_list("party", "reason"))
    assert history == [
        (Party.PROPERTY, "按问题类别自动指派"),
        (Party.COMMITTEE, "屋面防水需动用维修资金"),
    ]
    assert {committee_chair.pk, committee_member.pk} <= set(
        notified(keys_like(f"deliberation:thread:{roof_at_nine.pk}:assignment:")[0])
    )
    client.force_login(committee_member)
    page = client.get(f"/discuss/jinxiu/t/{roof_at_nine.pk}/").content.decode()
    assert "屋面防水需动用维修资金" in page


def test_reassignment_needs_a_reason_and_a_party_role(roof_at_nine, property_manager, tenant):
    with pytest.raises(ValidationError):
        actions.assign(roof_at_nine, property_manager, party=Party.COMMITTEE, reason=" ")
    with pytest.raises(PermissionDenied):
        actions.assign(roof_at_nine, tenant, party=Party.COMMITTEE, reason="不归物业管")


def test_assignments_are_append_only(roof_at_nine):
    assignment = Assignment.objects.get(thread=roof_at_nine)
    assignment.reason = "改写历史"
    with pytest.raises(ValidationError):
        assignment.save()
    with pytest.raises(ValidationError):
        assignment.delete()


# --- the state machine ---------------------------------------------------------------------------


def test_resolve_confirm_close_and_rate(roof_at_nine, property_staff, owner):
    answer(roof_at_nine, property_staff)
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.state == ThreadState.RESOLVED
    assert Schedule.objects.filter(
        name=f"deliberation:thread:{roof_at_nine.pk}:auto-close"
    ).exists()
    actions.confirm_resolution(roof_at_nine, owner)
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.state == ThreadState.CLOSED and not roof_at_nine.closed_automatically
    satisfaction = actions.rate(roof_at_nine, owner, score=5, comment="修得很快")
    assert (satisfaction.score, satisfaction.party) == (5, Party.PROPERTY)
    with pytest.raises(ValidationError):
        actions.rate(roof_at_nine, owner, score=4)


def test_only_the_responsible_party_resolves_and_only_the_reporter_confirms(
    roof_at_nine, committee_chair, property_staff, tenant
):
    with pytest.raises(PermissionDenied):
        actions.mark_resolved(roof_at_nine, committee_chair, note="已更换漏水的屋面防水卷材。")
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    with pytest.raises(PermissionDenied):
        actions.confirm_resolution(roof_at_nine, tenant)
    with pytest.raises(PermissionDenied):
        actions.rate(roof_at_nine, tenant, score=1)


def test_a_report_cannot_be_confirmed_or_rated_before_it_is_resolved(roof_at_nine, owner):
    with pytest.raises(ValidationError):
        actions.confirm_resolution(roof_at_nine, owner)
    with pytest.raises(ValidationError):
        actions.rate(roof_at_nine, owner, score=3)


@pytest.mark.parametrize("score", [0, 6, "x"])
def test_a_rating_outside_one_to_five_is_refused(roof_at_nine, property_staff, owner, score):
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    with pytest.raises(ValidationError):
        actions.rate(roof_at_nine, owner, score=score)


def test_the_reporter_reopens_a_resolved_or_closed_report(roof_at_nine, property_staff, owner):
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    actions.reopen(roof_at_nine, owner, reason="还在漏")
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.state == ThreadState.IN_PROGRESS and roof_at_nine.resolved_at is None
    assert not Schedule.objects.filter(
        name=f"deliberation:thread:{roof_at_nine.pk}:auto-close"
    ).exists()
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    actions.confirm_resolution(roof_at_nine, owner)
    actions.reopen(roof_at_nine, owner)
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.state == ThreadState.IN_PROGRESS and roof_at_nine.closed_at is None


def test_a_pending_report_cannot_be_reopened(roof_at_nine, owner):
    with pytest.raises(ValidationError):
        actions.reopen(roof_at_nine, owner)


def test_resolving_twice_is_refused(roof_at_nine, property_staff):
    actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    with pytest.raises(ValidationError):
        actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")


def test_an_unconfirmed_resolution_closes_itself_after_72_hours(roof_at_nine, property_staff):
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    resolved = START + timedelta(hours=5)
    assert not actions.auto_close(roof_at_nine.pk, now=resolved + timedelta(hours=71, minutes=59))
    assert actions.auto_close(roof_at_nine.pk, now=resolved + timedelta(hours=72))
    roof_at_nine.refresh_from_db()
    assert roof_at_nine.state == ThreadState.CLOSED and roof_at_nine.closed_automatically


def test_the_auto_close_time_is_configurable_per_estate(estate_a, roof_at_nine, property_staff):
    DeliberationSettings.objects.create(estate=estate_a, auto_close_hours=24)
    with time_machine.travel(START, tick=False):
        actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    schedule = Schedule.objects.get(name=f"deliberation:thread:{roof_at_nine.pk}:auto-close")
    assert schedule.next_run == START + timedelta(hours=24)
    assert actions.sweep(now=START + timedelta(hours=24))["closed"] == 1


# --- escalation -----------------------------------------------------------------------------


def test_an_unanswered_report_escalates_to_the_committee_then_the_community(
    roof_at_nine, committee_chair, community_official
):
    due = START + timedelta(hours=24)
    assert actions.escalate_overdue(now=due) == 0  # exactly at the deadline: not overdue yet
    assert actions.escalate_overdue(now=due + timedelta(seconds=1)) == 1
    key = f"deliberation:thread:{roof_at_nine.pk}:escalation:response:1"
    assert notified(key) == {committee_chair.pk}
    # A further 24 h (the default interval) later, the community officials hear of it.
    assert actions.escalate_overdue(now=due + timedelta(hours=24, seconds=1)) >= 1
    key2 = f"deliberation:thread:{roof_at_nine.pk}:escalation:response:2"
    assert notified(key2) == {community_official.pk}


def test_escalation_is_idempotent_and_audited(roof_at_nine):
    late = START + timedelta(hours=60)  # both deadlines passed, 36 h and 12 h ago
    first = actions.escalate_overdue(now=late)
    again = actions.escalate_overdue(now=late)
    assert first == 3 and again == 0  # response L1 + L2, closure L1
    assert Escalation.objects.filter(thread=roof_at_nine).count() == 3
    assert AuditEvent.objects.filter(action="deliberation.escalated").count() == 3


def test_an_answered_and_resolved_report_never_escalates(roof_at_nine, property_staff):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        answer(roof_at_nine, property_staff)
        actions.mark_resolved(roof_at_nine, property_staff, note="已更换漏水的屋面防水卷材。")
    assert actions.escalate_overdue(now=START + timedelta(days=10)) == 0


def test_an_answered_but_unresolved_report_escalates_for_closure_only(roof_at_nine, property_staff):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        answer(roof_at_nine, property_staff)
    assert actions.escalate_overdue(now=START + timedelta(hours=49)) == 1
    (escalation,) = Escalation.objects.filter(thread=roof_at_nine)
    assert escalation.deadline == "closure"
