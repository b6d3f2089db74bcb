"""A convened joint meeting can be moved or called off by its conveners, always with a
reason the participants are told and the meeting page keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deliberation.oversight import actions
from deliberation.oversight.choices import MeetingState
from deliberation.oversight.metrics import meetings_held
from deliberation.oversight.models import AppendOnlyError, JointMeeting, MeetingChange
from portal.community.models import AuditEvent, Estate
from portal.notifications.models import Notification
from tests.oversight.conftest import assert_database_refuses_changes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_from_midnight")]


def test_rescheduling_moves_the_meeting_keeps_the_old_time_and_tells_the_participants(
    meeting, community_official, committee_chair, django_capture_on_commit_callbacks
):
    old_time, new_time = meeting.starts_at, meeting.starts_at + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        change = actions.reschedule_meeting(
            meeting,
            actor=community_official,
            starts_at=new_time,
            place="和平社区党群服务中心",
            reason="区住建局李工周四另有安排",
        )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place) == (new_time, "和平社区党群服务中心")
    assert (change.from_starts_at, change.from_place) == (old_time, "锦绣花园会所二楼会议室")
    assert Notification.objects.filter(
        user=committee_chair, batch__dedupe_key=f"oversight:meeting-change:{change.pk}"
    ).exists()
    assert AuditEvent.objects.filter(action="oversight.meeting.rescheduled").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": " "}, "改期原因"),
        ({"starts_at": "past"}, "晚于现在"),
        ({"starts_at": "same", "place": "same"}, "没有变化"),
    ],
)
def test_bad_rescheduling_is_refused_and_changes_nothing(
    meeting, community_official, kwargs, message
):
    values = {
        "starts_at": meeting.starts_at + timedelta(days=1),
        "place": "和平社区党群服务中心",
        "reason": "会议室维修",
    }
    values.update(kwargs)
    if values["starts_at"] == "past":
        values["starts_at"] = timezone.now() - timedelta(minutes=1)
    if values["starts_at"] == "same":
        values["starts_at"], values["place"] = meeting.starts_at, meeting.place
    with pytest.raises(ValidationError, match=message):
        actions.reschedule_meeting(meeting, actor=community_official, **values)
    assert JointMeeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
    assert not MeetingChange.objects.exists()


def test_a_participant_who_is_not_a_convener_cannot_reschedule(meeting, property_manager):
    with pytest.raises(PermissionDenied):
        actions.reschedule_meeting(
            meeting,
            actor=property_manager,
            starts_at=meeting.starts_at + timedelta(days=1),
            place=meeting.place,
            reason="物业另有安排",
        )


def test_a_held_meeting_cannot_be_moved_or_cancelled(held_meeting, community_official):
    with pytest.raises(ValidationError, match="尚未召开"):
        actions.cancel_meeting(held_meeting, actor=community_official, reason="误操作")
    with pytest.raises(ValidationError, match="尚未召开"):
        actions.reschedule_meeting(
            held_meeting,
            actor=community_official,
            starts_at=timezone.now() + timedelta(days=3),
            place="会所",
            reason="补开",
        )


def test_a_cancelled_meeting_takes_no_minutes_and_is_not_counted_as_held(
    meeting, community_official, estate_a
):
    actions.cancel_meeting(meeting, actor=community_official, reason="台风预警，暂停聚集性活动")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    with pytest.raises(ValidationError, match="已取消"):
        actions.record_minutes(meeting, actor=community_official, text="会议纪要")
    with pytest.raises(ValidationError, match="已取消"):
        actions.add_agenda_item(meeting, actions.AgendaEntry("补充议题"), actor=community_official)
    today = timezone.localdate()
    held = meetings_held(Estate.objects.filter(pk=estate_a.pk), today, today + timedelta(days=2))
    assert held[estate_a.pk] == 0


def test_changes_are_append_only_in_the_model_and_the_database(meeting, community_official):
    change = actions.cancel_meeting(meeting, actor=community_official, reason="台风预警")
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    assert_database_refuses_changes(MeetingChange, reason="改写历史")
    assert MeetingChange.objects.get().reason == "台风预警"


def test_the_meeting_page_shows_why_it_moved(client, meeting, community_official, committee_chair):
    actions.reschedule_meeting(
        meeting,
        actor=community_official,
        starts_at=meeting.starts_at + timedelta(days=2),
        place=meeting.place,
        reason="区住建局李工周四另有安排",
    )
    client.force_login(committee_chair)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "区住建局李工周四另有安排" in html and "改期" in html


def test_the_cancel_form_without_a_reason_says_what_is_missing(
    client, estate_a, meeting, community_official
):
    client.force_login(community_official)
    url = reverse("oversight:meeting_cancel", args=(estate_a.slug, meeting.pk))
    response = client.post(url, {"cancel-reason": ""})
    assert response.status_code == 400
    assert "请填写取消原因" in response.content.decode()
    assert JointMeeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED


def test_a_participant_posting_to_the_cancel_url_is_forbidden(
    client, estate_a, meeting, property_manager
):
    client.force_login(property_manager)
    url = reverse("oversight:meeting_cancel", args=(estate_a.slug, meeting.pk))
    assert client.post(url, {"cancel-reason": "x"}).status_code == 403
    assert JointMeeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED
