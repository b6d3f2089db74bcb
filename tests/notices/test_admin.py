"""Editor experience: staff publish in the Wagtail admin, preview, and schedule publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.community.models import Building
from portal.notices import scope
from portal.notices.models import NoticePage
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    # MFA for staff is tested with the accounts app; here we drive the editor.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def _form(estate, **overrides):
    building3 = Building.objects.get(estate=estate, name="3栋")
    data = nested_form_data(
        {
            "title": "3栋停水通知",
            "slug": "water-off-b3",
            "category": "outage",
            "issuer": "property",
            "urgency": "urgent",
            "summary": "11月28日 9:00-17:00 3栋停水，请提前储水。",
            "body": streamfield(
                [("paragraph", rich_text("<p>因二次供水管道维修，届时暂停供水。</p>"))]
            ),
            "attachments": inline_formset([]),
            "effective_from": "2026-11-28 09:00",
            "effective_until": "2026-11-28 17:00",
            "min_display_days": "7",
            "requires_acknowledgement": "on",
            "reminder_delay_hours": "24",
            "visibility": "public",
            **overrides,
        }
    )
    data["buildings"] = [str(building3.pk)]
    return data


def test_property_staff_publish_a_notice_in_the_admin_and_the_owner_acknowledges(
    client, notice_index, estate_a, owner, owner_building1, property_staff, notify_calls
):
    client.force_login(property_staff)
    response = client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**_form(estate_a), "action-publish": "action-publish"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get(slug="water-off-b3")
    assert notice.live
    assert [b.name for b in notice.buildings.all()] == ["3栋"]
    [call] = notify_calls.by_key(f"notice:{notice.pk}:published")
    assert call["user_ids"] == {owner.pk}

    client.force_login(owner)
    client.post(notice.url + "acknowledge/")
    client.force_login(owner_building1)
    refused = client.post(notice.url + "acknowledge/", follow=True).content.decode()
    assert "不在通知范围内" in refused
    report = scope.acknowledgement_report(notice)
    assert [(r.building_name, r.acknowledged, r.total) for r in report.buildings] == [("3栋", 1, 1)]


def test_the_admin_refuses_a_building_of_another_estate(
    client, notice_index, estate_a, world_b, property_staff
):
    client.force_login(property_staff)
    data = _form(estate_a)
    data["buildings"] = [str(world_b.building3_unit.building_id)]
    response = client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**data, "action-publish": "action-publish"},
    )
    assert response.status_code == 200
    assert not NoticePage.objects.filter(slug="water-off-b3").exists()


def test_committee_member_cannot_publish_directly(client, notice_index, estate_a, committee_member):
    client.force_login(committee_member)
    client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**_form(estate_a, issuer="committee"), "action-publish": "action-publish"},
    )
    notice = NoticePage.objects.get(slug="water-off-b3")
    assert not notice.live


def test_preview_renders_the_notice(client, notice_index, property_staff):
    notice = make_notice(notice_index, title="电梯维保通知", publish=False)
    client.force_login(property_staff)
    url = f"/admin/pages/{notice.pk}/edit/preview/"
    data = _form(notice.page_estate, title="电梯维保通知（预览）", slug=notice.slug)
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()
    assert "电梯维保通知（预览）" in html and "物业服务企业" in html


def test_scheduled_publication_notifies_when_it_goes_live(
    notice_index, owner, property_staff, notify_calls
):
    go_live = timezone.now() + timedelta(hours=3)
    notice = make_notice(notice_index, title="消防检查通知", publish=False)
    notice.go_live_at = go_live
    notice.save_revision(user=property_staff).publish(user=property_staff)
    notice.refresh_from_db()
    assert not notice.live
    assert notify_calls.by_key(f"notice:{notice.pk}:published") == []
    with time_machine.travel(go_live + timedelta(minutes=1)):
        call_command("publish_scheduled")
    notice.refresh_from_db()
    assert notice.live
    [call] = notify_calls.by_key(f"notice:{notice.pk}:published")
    assert owner.pk in call["user_ids"]


def test_preview_works_while_creating_a_notice(client, notice_index, estate_a, property_staff):
    client.force_login(property_staff)
    url = f"/admin/pages/add/notices/noticepage/{notice_index.pk}/preview/"
    assert client.post(url, _form(estate_a, title="新公告预览")).json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    assert "新公告预览" in response.content.decode()
