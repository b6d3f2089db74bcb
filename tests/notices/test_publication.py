"""Publication notifies everyone in scope once; reminders reach those who have not read."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from portal.community.models import AuditEvent
from portal.notices import actions, tasks
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


def test_publishing_notifies_owners_and_residents_of_the_scoped_buildings(
    notify_calls, owner, tenant, owner_building1, property_staff, committee_chair, water_notice
):
    # The members exist before publication (fixture order); staff without units are not in scope.
    [call] = notify_calls.by_key(f"notice:{water_notice.pk}:published")
    assert call["user_ids"] == {owner.pk, tenant.pk}
    assert call["category"] == "notice"
    assert call["urgency"] == "urgent"
    assert call["title"] == "3栋停水通知"
    assert call["url"] == water_notice.url
    assert call["estate"] == water_notice.page_estate
    assert call["actor"] == property_staff
    assert AuditEvent.objects.filter(action="notice.published", actor=property_staff).exists()


def test_whole_estate_notice_reaches_every_building(
    notify_calls, notice_index, owner, tenant, owner_building1, outsider
):
    notice = make_notice(notice_index, title="小区消防设施检查通知", urgency="important")
    [call] = notify_calls.by_key(f"notice:{notice.pk}:published")
    assert call["user_ids"] == {owner.pk, tenant.pk, owner_building1.pk}
    assert call["urgency"] == "important"


def test_owners_only_notice_does_not_notify_residents(notify_calls, notice_index, owner, tenant):
    notice = make_notice(notice_index, title="专项维修资金使用征询", visibility="owners")
    [call] = notify_calls.by_key(f"notice:{notice.pk}:published")
    assert call["user_ids"] == {owner.pk}


def test_republishing_uses_the_same_dedupe_key(notify_calls, water_notice, property_staff):
    water_notice.title = "3栋停水通知（时间调整）"
    water_notice.save_revision(user=property_staff).publish(user=property_staff)
    keys = [call["dedupe_key"] for call in notify_calls]
    assert keys == [f"notice:{water_notice.pk}:published"] * 2


def test_a_reminder_is_scheduled_after_the_configured_delay(water_notice):
    schedule = Schedule.objects.get(name=f"notice:{water_notice.pk}:reminder")
    assert schedule.func == "portal.notices.tasks.send_acknowledgement_reminder"
    assert schedule.schedule_type == Schedule.ONCE
    expected = water_notice.first_published_at + timedelta(hours=24)
    assert abs((schedule.next_run - expected).total_seconds()) < 5


def test_no_reminder_is_scheduled_without_acknowledgement(notice_index):
    notice = make_notice(notice_index, requires_acknowledgement=False)
    assert not Schedule.objects.filter(name=f"notice:{notice.pk}:reminder").exists()


def test_reminder_goes_only_to_members_of_units_not_yet_acknowledged(
    notify_calls, notice_index, owner, tenant, owner_building1
):
    notice = make_notice(notice_index, requires_acknowledgement=True, reminder_delay_hours=12)
    actions.acknowledge(notice, tenant)  # 3栋502 is now acknowledged
    assert tasks.send_acknowledgement_reminder(notice.pk) == 1
    [call] = notify_calls.by_key(f"notice:{notice.pk}:reminder")
    assert call["user_ids"] == {owner_building1.pk}
    assert call["title"].startswith("请确认已阅")


def test_no_reminder_for_an_expired_notice(notify_calls, notice_index, owner):
    notice = make_notice(notice_index, requires_acknowledgement=True, min_display_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert tasks.send_acknowledgement_reminder(notice.pk) == 0
    assert notify_calls.by_key(f"notice:{notice.pk}:reminder") == []


def test_draft_notice_notifies_nobody(notify_calls, notice_index, owner):
    make_notice(notice_index, publish=False)
    assert list(notify_calls) == []


def test_unpublishing_in_the_display_period_is_refused_in_the_admin(
    client, settings, water_notice, property_manager
):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    client.force_login(property_manager)
    response = client.post(f"/admin/pages/{water_notice.pk}/unpublish/", follow=True)
    water_notice.refresh_from_db()
    assert water_notice.live
    assert "公示期内公告不能撤下" in response.content.decode()


def test_unpublishing_after_the_display_period_is_allowed(
    client, settings, notice_index, property_manager
):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    notice = make_notice(notice_index, min_display_days=2)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        client.force_login(property_manager)
        client.post(f"/admin/pages/{notice.pk}/unpublish/")
    notice.refresh_from_db()
    assert not notice.live


def test_scheduled_expiry_inside_the_display_period_is_a_validation_error(notice_index):
    from django.core.exceptions import ValidationError

    notice = make_notice(notice_index, min_display_days=7, publish=False)
    notice.expire_at = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "公示期" in str(error.value.message_dict["expire_at"])


def test_effective_window_must_end_after_it_starts(notice_index):
    from django.core.exceptions import ValidationError

    notice = make_notice(notice_index, publish=False)
    notice.effective_from = timezone.now() + timedelta(days=1)
    notice.effective_until = notice.effective_from - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "effective_until" in error.value.message_dict


def test_scope_cannot_name_another_estates_building(notice_index, world_b):
    from django.core.exceptions import ValidationError

    notice = make_notice(notice_index, publish=False)
    notice.buildings.set([world_b.building3_unit.building])
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "本小区" in str(error.value.message_dict["buildings"])
