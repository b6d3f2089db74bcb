"""notify(): one inbox item per person per event, email and SMS by preference, never twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.accounts import sms as sms_module
from portal.accounts.sms import LocmemSMSBackend
from portal.community.models import AuditEvent
from portal.notifications import actions, tasks
from portal.notifications.api import notify
from portal.notifications.choices import DeliveryStatus, EmailMode, SkipReason
from portal.notifications.models import Delivery, Notification, NotificationBatch
from tests.factories import UserFactory


def sms_to(user):
    return [message for message in LocmemSMSBackend.outbox if message.to == user.phone]


def emails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_notify_puts_one_inbox_item_per_recipient(send, owner, owner_building1, tenant):
    batch = send([owner, owner_building1, tenant, owner], urgency="normal")

    assert batch.recipient_count == 3
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        [owner.pk, owner_building1.pk, tenant.pk]
    )
    assert all(len(emails_to(user)) == 1 for user in (owner, owner_building1, tenant))
    assert emails_to(owner)[0].subject == "3栋停水通知"
    assert "http://testserver/jinxiu/notices/water-off/" in emails_to(owner)[0].body
    # A normal notice never costs an SMS.
    assert LocmemSMSBackend.outbox == []
    assert set(Delivery.objects.filter(channel="sms").values_list("skip_reason", flat=True)) == {
        SkipReason.NOT_URGENT_ENOUGH
    }


def test_notify_accepts_a_queryset_of_recipients(send, owner, owner_building1, outsider):
    from portal.accounts.models import User

    send(User.objects.filter(pk__in=[owner.pk, owner_building1.pk]))

    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        owner.pk,
        owner_building1.pk,
    }


def test_the_same_dedupe_key_notifies_a_person_once(send, owner):
    first = send([owner], dedupe_key="notice:42:published", urgency="urgent")
    second = send([owner], dedupe_key="notice:42:published", urgency="urgent")

    assert Notification.objects.filter(user=owner).count() == 1
    assert Notification.objects.get(user=owner).batch == first
    assert not second.notifications.exists()
    assert len(emails_to(owner)) == 1
    assert len(sms_to(owner)) == 1


def test_the_same_dedupe_key_still_reaches_people_added_later(send, owner, owner_building1):
    send([owner], dedupe_key="notice:42:published")
    send([owner, owner_building1], dedupe_key="notice:42:published")

    assert Notification.objects.filter(user=owner).count() == 1
    assert Notification.objects.filter(user=owner_building1).count() == 1
    assert len(emails_to(owner)) == 1
    assert len(emails_to(owner_building1)) == 1


def test_without_a_dedupe_key_each_call_is_its_own_event(send, owner):
    send([owner], title="电梯年检通知")
    send([owner], title="电梯年检通知")

    assert Notification.objects.filter(user=owner).count() == 2


def test_a_retried_fan_out_sends_each_email_and_sms_once(send, owner, tenant):
    batch = send([owner, tenant], urgency="urgent", dedupe_key="notice:7:published")
    assert len(mail.outbox) == 2
    assert len(LocmemSMSBackend.outbox) == 2

    # django-q2 retries after a timeout: the dispatcher and the slice run again.
    tasks.dispatch_batch(batch.pk)
    tasks.fan_out_chunk(batch.pk, 0)
    tasks.fan_out_chunk(batch.pk, 0)

    assert len(mail.outbox) == 2
    assert len(LocmemSMSBackend.outbox) == 2
    assert Notification.objects.filter(batch=batch).count() == 2
    assert Delivery.objects.filter(batch=batch, status=DeliveryStatus.SENT).count() == 4
    sent = Delivery.objects.filter(batch=batch, status=DeliveryStatus.SENT)
    assert set(sent.values_list("attempts", flat=True)) == {1}


def test_a_retry_after_a_crash_mid_send_does_not_send_again(
    django_capture_on_commit_callbacks, owner, monkeypatch, time_machine
):
    time_machine.move_to("2026-11-28 08:00 +08:00", tick=False)
    crashed = {"done": False}

    def die_once(to, text):
        if not crashed["done"]:
            crashed["done"] = True
            raise SystemExit("worker killed")  # not an Exception: the task dies mid-send

    monkeypatch.setattr("portal.notifications.channels.send_sms", die_once)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = notify([owner], category="notice", title="紧急停电", urgency="urgent")
    with pytest.raises(SystemExit):
        callbacks[0]()
    monkeypatch.setattr("portal.notifications.channels.send_sms", sms_module.send_sms)

    tasks.fan_out_chunk(batch.pk, 0)  # the retry
    assert LocmemSMSBackend.outbox == []
    sms_row = Delivery.objects.get(batch=batch, channel="sms")
    assert sms_row.status == DeliveryStatus.SENDING

    time_machine.move_to("2026-11-28 10:00 +08:00", tick=False)
    tasks.mark_stalled_deliveries()
    sms_row.refresh_from_db()
    assert sms_row.status == DeliveryStatus.FAILED
    assert "中断" in sms_row.error


def test_one_failed_send_is_recorded_and_the_rest_go_out(send, owner, tenant, monkeypatch):
    real = sms_module.send_sms

    def flaky(to, text):
        if to == owner.phone:
            raise ConnectionError("短信网关超时")
        real(to, text)

    monkeypatch.setattr("portal.notifications.channels.send_sms", flaky)
    batch = send([owner, tenant], urgency="urgent")

    failed = Delivery.objects.get(batch=batch, user=owner, channel="sms")
    assert failed.status == DeliveryStatus.FAILED
    assert "短信网关超时" in failed.error
    assert [m.to for m in LocmemSMSBackend.outbox] == [tenant.phone]
    assert LocmemSMSBackend.outbox[0].text.startswith("【共治】【紧急】3栋停水通知")


def test_email_off_for_a_category_sends_no_email_but_keeps_the_inbox(send, owner):
    actions.save_preferences(
        owner, email_mode=EmailMode.IMMEDIATE, enabled={("notice", "email"): False}
    )
    send([owner], urgency="important")

    assert emails_to(owner) == []
    assert Notification.objects.filter(user=owner).exists()
    assert len(sms_to(owner)) == 1  # SMS for important notices is still on


def test_email_off_for_another_category_does_not_stop_this_one(send, owner):
    actions.save_preferences(
        owner, email_mode=EmailMode.IMMEDIATE, enabled={("assembly", "email"): False}
    )
    send([owner], category="notice")
    assert len(emails_to(owner)) == 1


def test_email_mode_off_stops_all_email(send, owner):
    actions.save_preferences(owner, email_mode=EmailMode.OFF, enabled={})
    send([owner], urgency="urgent")

    assert emails_to(owner) == []
    assert len(sms_to(owner)) == 1
    assert Notification.objects.filter(user=owner).exists()


def test_sms_goes_for_important_by_preference_and_for_urgent_always(send, owner):
    actions.save_preferences(
        owner, email_mode=EmailMode.IMMEDIATE, enabled={("notice", "sms"): False}
    )

    send([owner], urgency="important", title="物业费公示")
    assert sms_to(owner) == []

    send([owner], urgency="urgent", title="紧急停水")
    assert len(sms_to(owner)) == 1
    assert "紧急停水" in sms_to(owner)[0].text


def test_sms_only_reaches_a_verified_phone(send, db):
    unverified = UserFactory(phone_verified=False)
    no_phone = UserFactory(phone=None)
    send([unverified, no_phone], urgency="urgent")

    assert LocmemSMSBackend.outbox == []
    assert Notification.objects.filter(user__in=[unverified, no_phone]).count() == 2
    assert set(Delivery.objects.filter(channel="sms").values_list("skip_reason", flat=True)) == {
        SkipReason.NO_ADDRESS
    }


def test_a_person_without_email_still_gets_the_inbox_item(send, db):
    phone_only = UserFactory(email=None)
    send([phone_only])
    assert mail.outbox == []
    assert Notification.objects.filter(user=phone_only).exists()


def test_closed_and_inactive_accounts_are_not_notified(send, db):
    closed = UserFactory()
    closed.closed_at = closed.date_joined
    closed.save()
    inactive = UserFactory(is_active=False)
    send([closed, inactive], urgency="urgent")

    assert not Notification.objects.exists()
    assert mail.outbox == [] and LocmemSMSBackend.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "gossip"),
        ("urgency", "panic"),
        ("title", "   "),
        ("title", "很长" * 61),
        ("url", "https://phishing.example/login"),
        ("url", "//phishing.example/login"),
        ("url", "jinxiu/notices/"),
    ],
)
def test_bad_input_is_refused_and_records_nothing(
    django_capture_on_commit_callbacks, owner, field, value
):
    kwargs = {"category": "notice", "title": "停水通知", "url": "/jinxiu/", field: value}
    audit_before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as err:
        notify([owner], **kwargs)
    assert field in err.value.message_dict
    assert not NotificationBatch.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_notify_is_audited(send, owner, committee_chair, estate_a):
    batch = send([owner], actor=committee_chair, estate=estate_a, urgency="important")
    event = AuditEvent.objects.get(action="notifications.notify")
    assert event.actor == committee_chair
    assert event.estate == estate_a
    assert event.object_id == str(batch.pk)
    assert event.details["recipient_count"] == 1


def test_nothing_fans_out_when_the_request_rolls_back(django_capture_on_commit_callbacks, owner):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify([owner], category="notice", title="作废的通知")
                raise RuntimeError("the publishing action failed later")
        except RuntimeError:
            pass
    assert not NotificationBatch.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_an_empty_recipient_list_records_an_empty_batch(send, db):
    batch = send([])
    assert batch.status == "empty"
    assert not Notification.objects.exists()
