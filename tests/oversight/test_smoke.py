"""Every page of the oversight app renders for the people who may see it."""

from __future__ import annotations

from django.urls import reverse


def test_pages_render_for_staff_and_members(
    client, estate_a, held_meeting, item, committee_chair, owner
):
    client.force_login(committee_chair)
    for name, args in (
        ("oversight:item_list", (estate_a.slug,)),
        ("oversight:item_new", (estate_a.slug,)),
        ("oversight:item_detail", (estate_a.slug, item.pk)),
        ("oversight:meeting_list", (estate_a.slug,)),
        ("oversight:meeting_new", (estate_a.slug,)),
        ("oversight:meeting_detail", (estate_a.slug, held_meeting.pk)),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    client.force_login(owner)
    assert (
        client.get(reverse("oversight:item_detail", args=(estate_a.slug, item.pk))).status_code
        == 200
    )


def test_the_demo_has_meetings_and_items_in_every_state(db):
    from deliberation.oversight.models import ActionItem, JointMeeting
    from demo import district as demo

    demo.seed()
    statuses = {item.status for item in ActionItem.objects.with_status()}
    assert statuses == {"overdue", "in_progress", "done", "not_started"}
    assert JointMeeting.objects.filter(state="published").count() == 2
    assert JointMeeting.objects.filter(state="planned").count() == 1
    counts = (JointMeeting.objects.count(), ActionItem.objects.count())
    demo.seed()
    assert (JointMeeting.objects.count(), ActionItem.objects.count()) == counts
