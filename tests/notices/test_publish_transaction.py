"""Publishing a notice and its effects happen together or not at all (issue #12.8).

The publication notification carries the notice's title, and a notification title holds at
most 120 characters: the editor's form refuses a longer title, and should the fan-out fail
for any other reason, the notice does not go live without its audit record and notification.

These tests, like all others, use the real notification path.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.community.models import AuditEvent
from portal.notices import actions
from portal.notices.models import NoticePage
from portal.notifications.models import NotificationBatch
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db

# 121 characters: one more than a notification title holds.
LONG_TITLE = "关于" + "小区二次供水设施改造及临时停水安排" * 7
assert len(LONG_TITLE) == 121
EXACT_TITLE = LONG_TITLE[:120]


@pytest.fixture(autouse=True)
def _editor_without_step_up(settings):
    # MFA for staff is tested with the accounts app; here we drive the editor.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def _form(title: str, slug: str = "water-off") -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "category": "outage",
            "issuer": "property",
            "urgency": "normal",
            "summary": "11月28日 9:00-17:00 停水，请提前储水。",
            "body": streamfield([("paragraph", rich_text("<p>因管道维修暂停供水。</p>"))]),
            "attachments": inline_formset([]),
            "min_display_days": "7",
            "reminder_delay_hours": "24",
            "visibility": "public",
        }
    )


def _published_effects(notice_pk: int | None = None) -> tuple[int, int]:
    audits = AuditEvent.objects.filter(action="notice.published")
    batches = NotificationBatch.objects.all()
    if notice_pk is not None:
        audits = audits.filter(object_id=str(notice_pk))
        batches = batches.filter(dedupe_key=f"notice:{notice_pk}:published")
    return audits.count(), batches.count()


def test_the_admin_refuses_a_title_longer_than_a_notification_carries(
    client, notice_index, property_staff, owner
):
    client.force_login(property_staff)
    response = client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**_form(LONG_TITLE), "action-publish": "action-publish"},
    )
    assert response.status_code == 200
    assert "公告标题最多 120 字" in response.content.decode()
    assert not NoticePage.objects.filter(slug="water-off").exists()
    assert _published_effects() == (0, 0)


def test_the_admin_refuses_a_long_title_when_editing_a_live_notice(
    client, notice_index, property_staff
):
    notice = make_notice(notice_index, title="3栋停水通知", publish_by=property_staff)
    client.force_login(property_staff)
    response = client.post(
        f"/admin/pages/{notice.pk}/edit/",
        {**_form(LONG_TITLE, slug=notice.slug), "action-publish": "action-publish"},
    )
    assert response.status_code == 200
    assert "公告标题最多 120 字" in response.content.decode()
    notice.refresh_from_db()
    assert notice.title == "3栋停水通知"


def test_a_title_of_exactly_120_characters_publishes_with_its_audit_and_notification(
    client, notice_index, property_staff, owner
):
    client.force_login(property_staff)
    response = client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**_form(EXACT_TITLE), "action-publish": "action-publish"},
    )
    assert response.status_code == 302
    notice = NoticePage.objects.get(slug="water-off")
    assert notice.live
    assert _published_effects(notice.pk) == (1, 1)
    assert NotificationBatch.objects.get().title == EXACT_TITLE


class FanOutDown(RuntimeError):
    pass


def _failing_fan_out(monkeypatch) -> None:
    def notify(*args, **kwargs):
        raise FanOutDown("notification store unavailable")

    monkeypatch.setattr(actions, "notify", notify)  # the name the notices actions call


def test_a_failed_fan_out_leaves_an_edited_notice_unpublished_and_unrecorded(
    client, monkeypatch, notice_index, property_staff, owner
):
    # The admin's edit view publishes without Wagtail's page.publish(); the request is the
    # transaction.
    notice = make_notice(notice_index, title="3栋停水通知", publish=False, live=False)
    _failing_fan_out(monkeypatch)
    client.force_login(property_staff)
    with pytest.raises(FanOutDown):
        client.post(
            f"/admin/pages/{notice.pk}/edit/",
            {**_form("3栋停水通知", slug=notice.slug), "action-publish": "action-publish"},
        )
    notice.refresh_from_db()
    assert not notice.live
    assert notice.first_published_at is None
    assert _published_effects(notice.pk) == (0, 0)
    assert not PageLogEntry.objects.filter(page=notice, action="wagtail.publish").exists()


def test_a_failed_fan_out_leaves_a_created_notice_unpublished(
    client, monkeypatch, notice_index, property_staff, owner
):
    _failing_fan_out(monkeypatch)
    client.force_login(property_staff)
    with pytest.raises(FanOutDown):
        client.post(
            f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
            {**_form("3栋停水通知"), "action-publish": "action-publish"},
        )
    assert not NoticePage.objects.filter(slug="water-off", live=True).exists()
    assert _published_effects() == (0, 0)


def test_a_failed_fan_out_undoes_a_publication_outside_the_admin(
    monkeypatch, notice_index, property_staff, owner
):
    # Scheduled publishing and the chair's workflow approval publish through page.publish().
    notice = make_notice(notice_index, title="电梯维保通知", publish=False, live=False)
    revision = notice.save_revision(user=property_staff)
    _failing_fan_out(monkeypatch)
    with pytest.raises(FanOutDown):
        revision.publish(user=property_staff)
    notice.refresh_from_db()
    assert not notice.live
    assert _published_effects(notice.pk) == (0, 0)


def test_a_notice_whose_link_a_notification_cannot_carry_is_refused(
    client, notice_index, property_staff
):
    # Wagtail fills the slug from the title; 60 Chinese characters encode to 540.
    client.force_login(property_staff)
    response = client.post(
        f"/admin/pages/add/notices/noticepage/{notice_index.pk}/",
        {**_form(EXACT_TITLE, slug=EXACT_TITLE[:60]), "action-publish": "action-publish"},
    )
    assert response.status_code == 200
    assert "公告网址过长" in response.content.decode()
    assert not NoticePage.objects.exists()
    assert _published_effects() == (0, 0)


def test_the_reminder_of_a_120_character_notice_fits_a_notification(
    notice_index, property_staff, owner
):
    notice = make_notice(
        notice_index,
        title=EXACT_TITLE,
        slug="water-off",
        publish_by=property_staff,
        requires_acknowledgement=True,
        effective_from=timezone.now() + timedelta(days=1),
    )
    assert actions.send_acknowledgement_reminders(notice) == 1
    reminder = NotificationBatch.objects.get(dedupe_key=f"notice:{notice.pk}:reminder")
    assert len(reminder.title) <= 120
    assert reminder.title.startswith("请确认已阅：关于小区二次供水")
    assert reminder.title.endswith("…")
