"""Joint meetings: convening, agenda references, minutes, decisions and publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deliberation.oversight import actions, references
from deliberation.oversight.choices import MeetingState
from deliberation.oversight.models import Decision, JointMeeting
from portal.community.models import AuditEvent
from portal.notifications.models import Notification


def test_convening_seats_each_party_and_notifies_the_participants(
    estate_a,
    community_official,
    committee_chair,
    property_manager,
    owner,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.convene_meeting(
            estate_a,
            actor=community_official,
            title="三方联席会议",
            starts_at=timezone.now() + timedelta(days=3),
            place="和平社区党群服务中心",
            participants=[committee_chair, property_manager],
            attendees=[actions.Attendee("李工", "区住建局")],
        )
    seats = {(p.name, p.party) for p in meeting.participants.all()}
    assert seats == {
        ("吴主任", "community"),
        ("陈建国", "committee"),
        ("赵经理", "property"),
        ("李工", ""),
    }
    notified = set(
        Notification.objects.filter(
            batch__dedupe_key=f"oversight:meeting:{meeting.pk}:convened"
        ).values_list("user__display_name", flat=True)
    )
    assert notified == {"陈建国", "赵经理"}  # not the convener, not the owner
    assert AuditEvent.objects.filter(action="oversight.meeting.convened").count() == 1


def test_a_person_of_no_party_cannot_be_seated_as_a_party(estate_a, community_official, owner):
    with pytest.raises(ValidationError, match="其他参会人员"):
        actions.convene_meeting(
            estate_a,
            actor=community_official,
            title="联席会议",
            starts_at=timezone.now(),
            place="会所",
            participants=[owner],
        )
    assert not JointMeeting.objects.exists()


def test_the_convene_form_creates_the_meeting_with_its_agenda(
    client, estate_a, community_official, committee_chair, property_manager
):
    client.force_login(community_official)
    form_page = client.get(reverse("oversight:meeting_new", args=(estate_a.slug,)))
    assert "陈建国 · 业主委员会" in form_page.content.decode()
    response = client.post(
        reverse("oversight:meeting_new", args=(estate_a.slug,)),
        {
            "title": "2026年12月三方联席会议",
            "starts_at": "2026-12-05T14:30",
            "place": "会所二楼",
            "participants": [committee_chair.pk, property_manager.pk],
            "attendees": "李工，区住建局\n周律师，街道法律顾问",
            "agenda": "3栋屋顶漏水维修方案 /discuss/jinxiu/\n地下车库照明改造",
        },
    )
    assert response.status_code == 302
    meeting = JointMeeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-05 14:30"
    agenda = list(meeting.agenda_items.order_by("position"))
    assert [a.title for a in agenda] == ["3栋屋顶漏水维修方案", "地下车库照明改造"]
    assert agenda[0].link_url == "/discuss/jinxiu/"
    assert meeting.participants.filter(user__isnull=True).count() == 2


def test_minutes_are_sanitised_and_the_meeting_is_then_held(meeting, community_official):
    held = actions.record_minutes(
        meeting,
        actor=community_official,
        text='<p onclick="x()">会议议定：<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>',
    )
    assert held.state == MeetingState.HELD
    assert "<script" not in held.minutes and "onclick" not in held.minutes
    assert "javascript:" not in held.minutes
    assert "会议议定" in held.minutes


def test_plain_text_minutes_keep_their_paragraphs_and_escape_angle_brackets(
    meeting, community_official
):
    held = actions.record_minutes(
        meeting, actor=community_official, text="一、温度<5度时暂停施工。\n\n二、下周复查。"
    )
    assert held.minutes.count("<p>") == 2
    assert "&lt;5度" in held.minutes


def test_decisions_wait_for_the_minutes(meeting, community_official):
    with pytest.raises(ValidationError, match="记录纪要"):
        actions.add_decision(meeting, actor=community_official, text="本月底前完成维修")


def test_publishing_freezes_minutes_and_decisions(
    held_meeting, community_official, django_capture_on_commit_callbacks
):
    actions.add_decision(held_meeting, actor=community_official, text="物业于11月30日前完成维修。")
    with django_capture_on_commit_callbacks(execute=True):
        published = actions.publish_minutes(held_meeting, actor=community_official)
    assert published.state == MeetingState.PUBLISHED and published.published_at
    with pytest.raises(ValidationError):
        actions.record_minutes(published, actor=community_official, text="改纪要")
    with pytest.raises(ValidationError):
        actions.add_decision(published, actor=community_official, text="再加一条")
    told = Notification.objects.filter(
        batch__dedupe_key=f"oversight:meeting:{published.pk}:published"
    ).values_list("user__display_name", flat=True)
    assert set(told) == {"陈建国", "赵经理"}  # the participants with accounts, not the publisher
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "oversight.meeting.convened",
        "oversight.meeting.minutes_recorded",
        "oversight.meeting.decision_recorded",
        "oversight.meeting.minutes_published",
    } <= actions_logged


def test_publishing_without_minutes_is_refused(meeting, community_official):
    with pytest.raises(ValidationError, match="先记录会议纪要"):
        actions.publish_minutes(meeting, actor=community_official)


def test_a_decision_spawns_an_action_item_linked_back_to_it(
    client, estate_a, held_meeting, community_official, property_manager
):
    decision = actions.add_decision(
        held_meeting, actor=community_official, text="物业于12月10日前完成3栋屋顶防水维修。"
    )
    client.force_login(community_official)
    url = reverse("oversight:item_new", args=(estate_a.slug,)) + f"?decision={decision.pk}"
    assert decision.text in client.get(url).content.decode()
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        url,
        {
            "title": "3栋屋顶防水维修",
            "responsible_party": "property",
            "responsible_person": property_manager.pk,
            "due_date": due,
        },
    )
    assert response.status_code == 302
    item = decision.meeting.estate.action_items.get()
    assert item.source == decision
    assert item.source_content_type == ContentType.objects.get_for_model(Decision)
    meeting_page = client.get(held_meeting.get_absolute_url()).content.decode()
    assert "3栋屋顶防水维修" in meeting_page
    detail = client.get(item.get_absolute_url()).content.decode()
    assert f"#decision-{decision.pk}" in detail


def test_a_decision_of_another_estate_cannot_be_used(
    client, estate_a, estate_b, held_meeting, community_official, subdistrict_official
):
    decision = actions.add_decision(held_meeting, actor=community_official, text="决定")
    client.force_login(subdistrict_official)
    url = reverse("oversight:item_new", args=(estate_b.slug,)) + f"?decision={decision.pk}"
    assert client.get(url).status_code == 404


def test_an_agenda_item_may_reference_a_registered_model_by_url(
    meeting, community_official, estate_a, item
):
    """The resolver is pluggable: a URL of a registered view becomes a generic reference."""
    entry = actions.AgendaEntry("跟进屋顶维修", link=item.get_absolute_url())
    agenda_item = actions.add_agenda_item(meeting, entry, actor=community_official)
    assert agenda_item.ref == item and agenda_item.link_url == ""
    described = references.describe(agenda_item.ref)
    assert described.url == item.get_absolute_url() and described.label == item.title


def test_a_custom_resolver_describes_a_model_its_own_way(item, monkeypatch):
    monkeypatch.setitem(
        references._RESOLVERS,
        "oversight.actionitem",
        lambda obj: references.Reference(f"议题：{obj.title}", "/discuss/x/", "议题"),
    )
    assert references.describe(item).label == f"议题：{item.title}"


def test_an_unregistered_model_module_is_ignored_until_it_exists(estate_a):
    references.register_url("oversight:item_list", "nosuchapp.thread", kwarg="estate_slug")
    try:
        assert references.from_url(f"/oversight/{estate_a.slug}/items/", estate=estate_a) is None
    finally:
        references._URL_NAMES.pop("oversight:item_list")


def test_links_must_be_site_relative_or_http(meeting, community_official):
    with pytest.raises(ValidationError, match="本站地址"):
        actions.add_agenda_item(
            meeting,
            actions.AgendaEntry("恶意链接", link="javascript:alert(1)"),
            actor=community_official,
        )


def test_the_meeting_page_records_minutes_and_a_decision(
    client, estate_a, meeting, community_official
):
    client.force_login(community_official)
    base = reverse("oversight:meeting_detail", args=(estate_a.slug, meeting.pk))
    response = client.post(
        base + "minutes/", {"minutes-text": "一、温度<5度暂停施工。\n\n二、下周复查。"}
    )
    assert response.status_code == 302
    page = client.get(base).content.decode()
    # The editor shows the minutes as text again, not as markup.
    assert "一、温度&lt;5度暂停施工。\n\n二、下周复查。</textarea>" in page
    agenda_item = meeting.agenda_items.get(position=1)
    response = client.post(
        base + "decisions/",
        {"decision-text": "本月底前完成维修。", "decision-agenda_item": agenda_item.pk},
    )
    assert response.status_code == 302
    assert meeting.decisions.get().agenda_item == agenda_item
    response = client.post(base + "decisions/", {"decision-text": ""})
    assert response.status_code == 400
