"""The daily digest: non-urgent email collected per person, sent once a day, never twice."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command
from django_q.models import Schedule

from portal.notifications import actions, tasks
from portal.notifications.choices import DeliveryStatus, EmailMode, SkipReason
from portal.notifications.models import Delivery, Digest, Notification
from portal.notifications.schedules import DIGEST_SCHEDULE_NAME, ensure_schedules


def choose_digest(user):
    actions.save_preferences(user, email_mode=EmailMode.DAILY_DIGEST, enabled={})


def test_digest_collects_the_days_items_and_sends_one_email_once(send, owner, tenant, time_machine):
    time_machine.move_to("2026-11-28 09:00 +08:00", tick=False)
    choose_digest(owner)
    send([owner, tenant], title="电梯年检通知", urgency="normal")
    send([owner], category="consultation", title="关于增设充电桩的征求意见", urgency="important")

    # Nothing by email yet for the digest reader; the other person got theirs at once.
    assert [m.to for m in mail.outbox] == [[tenant.email]]
    assert Delivery.objects.filter(user=owner, status=DeliveryStatus.DIGEST).count() == 2
    mail.outbox = []

    time_machine.move_to("2026-11-28 19:00 +08:00", tick=False)
    assert tasks.send_daily_digests() == 1
    assert len(mail.outbox) == 1
    digest_mail = mail.outbox[0]
    assert digest_mail.to == [owner.email]
    assert "2 条新消息" in digest_mail.subject
    assert "电梯年检通知" in digest_mail.body
    assert "关于增设充电桩的征求意见" in digest_mail.body
    assert "http://testserver/jinxiu/notices/water-off/" in digest_mail.body

    # The schedule's retry, or a second run the same day: nothing more.
    assert tasks.send_daily_digests() == 0
    assert tasks.send_digest(owner.pk, Digest.objects.get().day) is False
    assert len(mail.outbox) == 1
    assert (
        Delivery.objects.filter(user=owner, status=DeliveryStatus.SENT, channel="email").count()
        == 2
    )
    digest = Digest.objects.get(user=owner)
    assert digest.status == "sent" and digest.item_count == 2


def test_items_arriving_after_the_digest_wait_for_the_next_one(send, owner, time_machine):
    time_machine.move_to("2026-11-28 09:00 +08:00", tick=False)
    choose_digest(owner)
    send([owner], title="第一条")
    time_machine.move_to("2026-11-28 19:00 +08:00", tick=False)
    tasks.send_daily_digests()
    time_machine.move_to("2026-11-28 21:00 +08:00", tick=False)
    send([owner], title="第二条")
    assert tasks.send_daily_digests() == 0  # today's digest is already sent

    time_machine.move_to("2026-11-29 19:00 +08:00", tick=False)
    assert tasks.send_daily_digests() == 1
    assert len(mail.outbox) == 2
    assert "第二条" in mail.outbox[1].body and "第一条" not in mail.outbox[1].body


def test_urgent_items_skip_the_digest_and_go_at_once(send, owner):
    choose_digest(owner)
    send([owner], title="紧急停电通知", urgency="urgent")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert not Delivery.objects.filter(status=DeliveryStatus.DIGEST).exists()


def test_items_already_read_in_the_inbox_are_left_out(send, owner):
    choose_digest(owner)
    send([owner], title="已读的通知")
    send([owner], title="未读的通知")
    actions.mark_read(Notification.objects.get(batch__title="已读的通知"))

    tasks.send_daily_digests()
    assert len(mail.outbox) == 1
    assert "未读的通知" in mail.outbox[0].body and "已读的通知" not in mail.outbox[0].body
    skipped = Delivery.objects.get(batch__title="已读的通知", channel="email")
    assert skipped.skip_reason == SkipReason.READ_IN_INBOX


def test_a_digest_that_fails_to_send_is_not_retried_into_a_duplicate(send, owner, monkeypatch):
    choose_digest(owner)
    send([owner], title="物业费公示")

    def refuse(self, *args, **kwargs):
        raise ConnectionError("SMTP 服务器拒绝连接")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert tasks.send_daily_digests() == 0
    monkeypatch.undo()
    assert tasks.send_daily_digests() == 0
    assert mail.outbox == []
    assert Digest.objects.get().status == "failed"
    assert Delivery.objects.get(channel="email").status == DeliveryStatus.FAILED


def test_the_daily_digest_schedule_exists_once(db):
    assert Schedule.objects.filter(name=DIGEST_SCHEDULE_NAME).count() == 1
    ensure_schedules()
    call_command("migrate", "notifications", verbosity=0)
    schedule = Schedule.objects.get(name=DIGEST_SCHEDULE_NAME)
    assert schedule.func == "portal.notifications.tasks.send_daily_digests"
    assert schedule.schedule_type == Schedule.DAILY
