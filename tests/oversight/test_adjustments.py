"""Extending an action item's deadline or handing it to another party: only by those who may
hold the party to account, always with a reason, kept for everyone to see, never rewritten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deliberation.oversight import actions
from deliberation.oversight.models import (
    ActionItem,
    ActionItemChange,
    AppendOnlyError,
    local_today,
)
from portal.community.choices import Party
from portal.community.models import AuditEvent
from portal.notifications.models import Notification
from tests.oversight.conftest import assert_database_refuses_changes, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_from_midnight")]


def adjust(item, actor, **kwargs):
    kwargs.setdefault("reason", "等待防水材料到货，顺延两周。")
    return actions.adjust_action_item(item, actor=actor, **kwargs)


def test_the_committee_extends_a_deadline_and_the_old_one_is_kept(item, committee_chair):
    old_due = item.due_date
    change = adjust(item, committee_chair, due_date=old_due + timedelta(days=14))

    item.refresh_from_db()
    assert item.due_date == old_due + timedelta(days=14)
    assert (change.from_due_date, change.to_due_date) == (old_due, item.due_date)
    assert change.reason == "等待防水材料到货，顺延两周。"
    event = AuditEvent.objects.get(action="oversight.action_item.adjusted")
    assert event.actor == committee_chair


def test_the_responsible_person_is_told_of_the_new_deadline(
    item, committee_chair, property_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = adjust(item, committee_chair, due_date=item.due_date + timedelta(days=3))
    assert Notification.objects.filter(
        user=property_manager, batch__dedupe_key=f"oversight:change:{change.pk}"
    ).exists()


def test_the_responsible_party_cannot_extend_its_own_deadline_when_the_committee_set_it(
    estate_a, committee_chair, property_manager
):
    committee_item = make_item(estate_a, committee_chair, party=Party.COMMITTEE)
    with pytest.raises(PermissionDenied):
        adjust(committee_item, property_manager, due_date=committee_item.due_date + timedelta(1))
    assert not ActionItemChange.objects.exists()


def test_an_owner_cannot_adjust(item, owner):
    with pytest.raises(PermissionDenied):
        adjust(item, owner, due_date=item.due_date + timedelta(days=1))
    assert not ActionItemChange.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "   "}, "调整原因"),
        ({"due_date_offset": -1}, "不能早于今天"),
        ({}, "没有变化"),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(item, committee_chair, kwargs, message):
    before = (item.due_date, item.responsible_party)
    if offset := kwargs.pop("due_date_offset", None):
        kwargs["due_date"] = local_today() + timedelta(days=offset)
    with pytest.raises(ValidationError, match=message):
        adjust(item, committee_chair, **kwargs)
    item.refresh_from_db()
    assert (item.due_date, item.responsible_party) == before
    assert not ActionItemChange.objects.exists()


def test_a_deadline_of_today_is_allowed(item, committee_chair):
    adjust(item, committee_chair, due_date=local_today())
    assert ActionItem.objects.get(pk=item.pk).due_date == local_today()


def test_a_finished_item_cannot_be_adjusted(item, committee_chair, property_manager):
    actions.post_update(item, actor=property_manager, note="已完工。", progress=100, state="done")
    with pytest.raises(ValidationError, match="已完成"):
        adjust(item, committee_chair, due_date=item.due_date + timedelta(days=1))


def test_reassigning_to_another_party_drops_a_person_who_does_not_act_for_it(
    item, committee_chair, property_manager
):
    change = adjust(
        item, committee_chair, responsible_party=Party.COMMITTEE, reason="改由业委会牵头"
    )
    item.refresh_from_db()
    assert item.responsible_party == Party.COMMITTEE
    assert item.responsible_person is None
    assert change.from_person == property_manager


def test_a_person_outside_the_new_party_is_refused(item, committee_chair, property_manager):
    with pytest.raises(ValidationError, match="不属于所选责任方"):
        adjust(
            item,
            committee_chair,
            responsible_party=Party.COMMITTEE,
            responsible_person=property_manager,
        )
    assert ActionItem.objects.get(pk=item.pk).responsible_party == Party.PROPERTY


def test_changes_are_append_only_in_the_model_and_the_database(item, committee_chair):
    change = adjust(item, committee_chair, due_date=item.due_date + timedelta(days=5))
    change.reason = "改写历史"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    assert_database_refuses_changes(ActionItemChange, reason="改写历史")
    assert ActionItemChange.objects.get().reason == "等待防水材料到货，顺延两周。"


def test_the_item_page_shows_the_extension_to_members(client, item, committee_chair, owner):
    original = item.due_date
    adjust(item, committee_chair, due_date=original + timedelta(days=14))
    client.force_login(owner)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f"原定 {original:%Y-%m-%d}，已延期 1 次" in page
    assert "等待防水材料到货" in page
    assert "调整完成期限或责任方" not in page  # owners see the record, not the form


def test_the_form_refuses_a_missing_reason_in_chinese_and_keeps_the_deadline(
    client, estate_a, item, committee_chair
):
    client.force_login(committee_chair)
    url = reverse("oversight:item_adjust", args=(estate_a.slug, item.pk))
    response = client.post(
        url,
        {
            "due_date": (item.due_date + timedelta(days=7)).isoformat(),
            "responsible_party": Party.PROPERTY,
            "responsible_person": "",
            "reason": "",
        },
    )
    assert response.status_code == 400
    assert "请填写调整原因" in response.content.decode()
    assert ActionItem.objects.get(pk=item.pk).due_date == item.due_date


def test_an_owner_posting_to_the_adjust_url_is_forbidden(client, estate_a, item, owner):
    client.force_login(owner)
    url = reverse("oversight:item_adjust", args=(estate_a.slug, item.pk))
    response = client.post(
        url, {"due_date": "2099-01-01", "reason": "x", "responsible_party": "property"}
    )
    assert response.status_code == 403
    assert not ActionItemChange.objects.exists()


def test_the_list_marks_an_extended_item(client, estate_a, item, committee_chair, owner):
    adjust(item, committee_chair, due_date=item.due_date + timedelta(days=7))
    adjust(item, committee_chair, due_date=item.due_date + timedelta(days=14), reason="再顺延一周")
    client.force_login(owner)
    html = client.get(reverse("oversight:item_list", args=(estate_a.slug,))).content.decode()
    assert "已延期 2 次" in html
