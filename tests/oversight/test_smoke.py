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
