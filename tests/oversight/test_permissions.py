"""Who may see and do what with joint meetings and action items, per estate and role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from deliberation.oversight import actions
from deliberation.oversight.models import ActionItem, JointMeeting
from portal.community.choices import Party
from tests.oversight.conftest import make_item


def _url(name, estate, *args):
    return reverse(f"oversight:{name}", args=(estate.slug, *args))


@pytest.mark.parametrize("name", ["item_list", "meeting_list"])
def test_the_outsider_gets_403_on_the_lists(client, estate_a, outsider, name):
    client.force_login(outsider)
    assert client.get(_url(name, estate_a)).status_code == 403


def test_the_outsider_gets_403_on_an_item_and_a_published_meeting(
    client, estate_a, outsider, item, held_meeting, community_official
):
    actions.publish_minutes(held_meeting, actor=community_official)
    client.force_login(outsider)
    assert client.get(_url("item_detail", estate_a, item.pk)).status_code == 403
    assert client.get(_url("meeting_detail", estate_a, held_meeting.pk)).status_code == 403


def test_an_anonymous_reader_is_sent_to_log_in(client, estate_a, item):
    response = client.get(_url("item_detail", estate_a, item.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_owner_may_view_an_item_but_not_report_progress_or_open_one(
    client, estate_a, owner, item
):
    client.force_login(owner)
    page = client.get(_url("item_detail", estate_a, item.pk))
    assert page.status_code == 200
    assert "3栋屋顶防水层维修" in page.content.decode()
    assert "报告进展" not in page.content.decode()
    response = client.post(
        _url("item_progress", estate_a, item.pk),
        {"state": "in_progress", "progress": 50, "note": "我来更新一下"},
    )
    assert response.status_code == 403
    assert client.get(_url("item_new", estate_a)).status_code == 403
    item.refresh_from_db()
    assert item.progress == 0 and item.updates.count() == 0


def test_the_responsible_party_staff_may_report_progress(client, estate_a, item, property_staff):
    client.force_login(property_staff)
    response = client.post(
        _url("item_progress", estate_a, item.pk),
        {"state": "in_progress", "progress": 30, "note": "已联系防水施工单位进场勘查。"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.progress) == ("in_progress", 30)


def test_the_committee_supervises_but_does_not_report_progress_for_the_property_company(
    estate_a, item, committee_member
):
    with pytest.raises(PermissionDenied):
        actions.post_update(
            item, actor=committee_member, note="代为更新", progress=10, state="in_progress"
        )


def test_an_official_of_another_community_cannot_convene_for_this_estate(
    client, estate_a, other_community_official
):
    client.force_login(other_community_official)
    assert client.get(_url("meeting_new", estate_a)).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.convene_meeting(
            estate_a,
            actor=other_community_official,
            title="越权召集的会议",
            starts_at=timezone.now() + timedelta(days=1),
            place="会所",
        )
    assert not JointMeeting.objects.exists()


def test_the_subdistrict_official_and_the_committee_may_convene(
    estate_a, subdistrict_official, committee_member
):
    for actor in (subdistrict_official, committee_member):
        meeting = actions.convene_meeting(
            estate_a,
            actor=actor,
            title="联席会议",
            starts_at=timezone.now() + timedelta(days=2),
            place="会所",
        )
        assert meeting.convened_by == actor
    parties = set(JointMeeting.objects.values_list("convener_party", flat=True))
    assert parties == {Party.SUBDISTRICT, Party.COMMITTEE}


def test_the_property_company_may_not_convene(client, estate_a, property_manager):
    client.force_login(property_manager)
    assert client.get(_url("meeting_new", estate_a)).status_code == 403


def test_a_meeting_in_preparation_is_for_participants_and_staff_only(
    client, estate_a, meeting, owner, property_manager, moderator, tenant
):
    url = _url("meeting_detail", estate_a, meeting.pk)
    client.force_login(owner)
    assert client.get(url).status_code == 403
    assert meeting.title not in client.get(_url("meeting_list", estate_a)).content.decode()
    for user in (property_manager, moderator):  # a participant; estate staff
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(tenant)
    assert client.get(url).status_code == 403


def test_published_minutes_are_for_every_member(
    client, estate_a, held_meeting, community_official, owner, tenant
):
    actions.publish_minutes(held_meeting, actor=community_official)
    for user in (owner, tenant):
        client.force_login(user)
        page = client.get(_url("meeting_detail", estate_a, held_meeting.pk))
        assert page.status_code == 200
        assert "三方商定本月底前完成维修" in page.content.decode()
        assert "保存纪要" not in page.content.decode()


def test_an_owner_cannot_record_minutes_by_posting(client, estate_a, meeting, owner):
    client.force_login(owner)
    response = client.post(_url("meeting_minutes", estate_a, meeting.pk), {"minutes-text": "篡改"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_property_staff_open_items_for_their_company_only(estate_a, property_staff):
    assert make_item(estate_a, property_staff, party=Party.PROPERTY).pk
    with pytest.raises(PermissionDenied):
        make_item(estate_a, property_staff, party=Party.COMMITTEE)
    assert ActionItem.objects.count() == 1


def test_officials_may_hold_the_committee_to_account(estate_a, community_official):
    item = make_item(estate_a, community_official, party=Party.COMMITTEE, title="公示维修资金使用")
    assert item.responsible_party == Party.COMMITTEE


def test_the_outsiders_committee_cannot_open_items_here(estate_a, committee_chair_b):
    with pytest.raises(PermissionDenied):
        make_item(estate_a, committee_chair_b)


def test_the_responsible_person_must_act_for_the_responsible_party(
    estate_a, committee_chair, committee_member
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不属于所选责任方"):
        make_item(
            estate_a, committee_chair, party=Party.PROPERTY, responsible_person=committee_member
        )
