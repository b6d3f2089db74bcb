"""The django-q2 tasks behind `notify()`: dispatch, fan-out per 500 people, daily digest.

Every task may run twice (a retry after a timeout, a worker restart). None sends twice:
inbox rows and deliveries (email, SMS, WeChat) are inserted with ignore_conflicts against unique constraints,
and a sender first claims rows with a conditional UPDATE (queued → sending) and sends
only the rows it claimed. A row left in "sending" by a crash is marked failed, never
re-sent: a missed message is visible and fixable, a duplicate SMS is not.

Email, SMS, WeChat and the digest are composed when they are sent, from the subject's state at that
moment (portal.notifications.subjects): a reply hidden before its email or SMS went out is
not sent, and a digest leaves out what was hidden since the day began.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_q.tasks import async_task

from portal.accounts.wechat import openids_of
from portal.notifications import channels, subjects
from portal.notifications.choices import (
    BatchStatus,
    Channel,
    DeliveryStatus,
    DigestStatus,
    SkipReason,
)
from portal.notifications.models import Delivery, Digest, Notification, NotificationBatch
from portal.notifications.preferences import preferences_for

logger = logging.getLogger("gongzhi.notifications")

STALLED_AFTER = timedelta(hours=1)


def dispatch_batch(batch_id: int) -> int:
    """Enqueue one fan-out task per slice of recipients; return the number of slices."""
    batch = NotificationBatch.objects.only("pk", "recipient_count", "chunk_size").get(pk=batch_id)
    for index in range(batch.chunk_count):
        async_task(
            "portal.notifications.tasks.fan_out_chunk",
            batch_id,
            index,
            task_name=f"notify-{batch_id}-{index}",
            group="notifications",
        )
    NotificationBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.DISPATCHED, dispatched_at=timezone.now()
    )
    return batch.chunk_count


def fan_out_chunk(batch_id: int, index: int) -> int:
    """Create inbox items and deliveries for one slice, then send what is due; return sends.

    A bounded number of queries per slice, whatever its size (bulk inserts, one claim).
    """
    batch = NotificationBatch.objects.select_related("estate").get(pk=batch_id)
    ids = batch.chunk(index)
    if not ids:
        return 0
    User = get_user_model()
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=ids, is_active=True, closed_at__isnull=True).only(
            "pk", "email", "phone", "phone_verified", "is_active", "is_superuser"
        )
    }
    # Members-only content reaches only who may read it now: someone who left the estate
    # since (a tenancy ended, a flat sold, a follow kept) is neither told nor sent its words.
    text = subjects.subject_text(batch)
    if text is not None:
        readers = subjects.readers_among(text, users.values())
        users = {pk: user for pk, user in users.items() if pk in readers}
    # WeChat reaches only people bound to it: their openid under the official account.
    openids = openids_of(users)
    for user_id, user in users.items():
        user.wechat_openid = openids.get(user_id, "")
    key = batch.dedupe_key or f"batch:{batch.pk}"
    Notification.objects.bulk_create(
        [
            Notification(batch=batch, user_id=user_id, dedupe_key=key, created_at=batch.created_at)
            for user_id in users
        ],
        ignore_conflicts=True,
    )
    # Only the people whose inbox item belongs to this batch get its email, SMS and WeChat: anyone
    # told of the same event by an earlier batch is left alone.
    mine = list(
        Notification.objects.filter(batch=batch, user_id__in=list(users)).values_list(
            "user_id", flat=True
        )
    )
    _create_deliveries(batch, [users[user_id] for user_id in mine])
    return _send_claimed(batch, mine, users)


def _create_deliveries(batch: NotificationBatch, recipients: list) -> None:
    prefs = preferences_for([user.pk for user in recipients], batch.category)
    now = timezone.now()
    rows = []
    for user in recipients:
        pref = prefs[user.pk]
        email = channels.route_email(
            urgency=batch.urgency,
            mode=pref.email_mode,
            category_enabled=pref.enabled(batch.category, Channel.EMAIL),
            has_address=bool(user.email),
        )
        sms = channels.route_sms(
            urgency=batch.urgency,
            category_enabled=pref.enabled(batch.category, Channel.SMS),
            has_verified_phone=channels.has_verified_phone(user),
        )
        wechat = channels.route_wechat(
            urgency=batch.urgency,
            category_enabled=pref.enabled(batch.category, Channel.WECHAT),
            has_openid=bool(user.wechat_openid),
        )
        for channel, route in (
            (Channel.EMAIL, email),
            (Channel.SMS, sms),
            (Channel.WECHAT, wechat),
        ):
            rows.append(
                Delivery(
                    batch=batch,
                    user_id=user.pk,
                    channel=channel,
                    status=route.status,
                    skip_reason=route.skip_reason,
                    created_at=now,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def _send_claimed(batch: NotificationBatch, user_ids: list[int], users: dict) -> int:
    """Claim this slice's queued deliveries, send each once, record the outcome."""
    if not user_ids:
        return 0
    token = uuid.uuid4().hex
    claimed = Delivery.objects.filter(
        batch=batch, user_id__in=user_ids, status=DeliveryStatus.QUEUED
    ).update(status=DeliveryStatus.SENDING, claim_token=token, attempts=F("attempts") + 1)
    if not claimed:
        return 0
    # Composed after the claim, from the subject's state now: what was hidden after the
    # notification was made is not sent.
    with translation.override(settings.LANGUAGE_CODE):
        message = subjects.message_for(batch)
    if message.withheld:
        Delivery.objects.filter(claim_token=token).update(
            status=DeliveryStatus.SKIPPED, skip_reason=SkipReason.WITHHELD
        )
        return 0
    rows = list(Delivery.objects.filter(claim_token=token).values_list("pk", "user_id", "channel"))
    failures: dict[str, list[int]] = defaultdict(list)
    email_sender = None
    sms = channels.sms_text(batch, message)
    try:
        for pk, user_id, channel in rows:
            if channel == Channel.EMAIL and email_sender is None:
                email_sender = channels.EmailSender(batch, message)
            try:
                channels.send_one(
                    channel,
                    user=users[user_id],
                    email_sender=email_sender,
                    sms=sms,
                    batch=batch,
                    message=message,
                )
            except Exception as exc:  # one bad address must not stop the other 499
                logger.warning("delivery %s failed: %s", pk, exc)
                failures[str(exc)[:500] or exc.__class__.__name__].append(pk)
    finally:
        if email_sender is not None:
            email_sender.close()
    now = timezone.now()
    for error, pks in failures.items():
        Delivery.objects.filter(pk__in=pks).update(status=DeliveryStatus.FAILED, error=error)
    return Delivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now
    )


# --- the daily digest ------------------------------------------------------------------


def send_daily_digests(day: date | str | None = None) -> int:
    """Send each person waiting for a digest one email of what arrived since the last one.

    Run once a day by the django-q2 schedule; running it again the same day sends nothing
    more (one Digest per person and day). Also tidies up work interrupted by a crash.
    Return the number of digests sent.
    """
    mark_stalled_deliveries()
    redispatch_stalled_batches()
    if day is None:
        day = timezone.localdate()
    elif isinstance(day, str):
        day = date.fromisoformat(day)
    user_ids = (
        Delivery.objects.filter(
            channel=Channel.EMAIL, status=DeliveryStatus.DIGEST, digest__isnull=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in list(user_ids) if send_digest(user_id, day))


def send_digest(user_id: int, day: date) -> bool:
    """Collect one person's waiting items into the day's digest and send it once."""
    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(user_id=user_id, day=day)
        if digest.status != DigestStatus.COLLECTING:
            return False
        waiting = Delivery.objects.filter(
            user_id=user_id,
            channel=Channel.EMAIL,
            status=DeliveryStatus.DIGEST,
            digest__isnull=True,
        )
        # Something already read in the inbox needs no email.
        read = Notification.objects.filter(
            batch_id=OuterRef("batch_id"), user_id=OuterRef("user_id"), read_at__isnull=False
        )
        waiting.filter(Exists(read)).update(
            status=DeliveryStatus.SKIPPED, skip_reason=SkipReason.READ_IN_INBOX
        )
        waiting.update(digest=digest)
    # The claim: only one run moves this digest from collecting to sending.
    if not Digest.objects.filter(pk=digest.pk, status=DigestStatus.COLLECTING).update(
        status=DigestStatus.SENDING
    ):
        return False
    items = list(
        Delivery.objects.filter(digest=digest)
        .select_related("batch", "batch__estate")
        .order_by("batch__created_at", "pk")
    )
    # Each item reads as its subject stands now, to this reader: a quote hidden since it
    # arrived is left out, and so is what the reader may no longer read (they left the estate).
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(settings.LANGUAGE_CODE):
        messages = subjects.messages_for(
            {item.batch.pk: item.batch for item in items}.values(), reader=user
        )
    for reason, leave_out in (
        (SkipReason.NOT_A_READER, lambda message: message.unreadable),
        (SkipReason.WITHHELD, lambda message: message.withheld),
    ):
        left_out = {item.pk for item in items if leave_out(messages[item.batch_id])}
        if left_out:
            Delivery.objects.filter(pk__in=left_out).update(
                status=DeliveryStatus.SKIPPED, skip_reason=reason, digest=None
            )
            items = [item for item in items if item.pk not in left_out]
    now = timezone.now()
    if not items:
        Digest.objects.filter(pk=digest.pk).update(status=DigestStatus.SENT, item_count=0)
        return False
    if not user.email:
        Delivery.objects.filter(digest=digest).update(
            status=DeliveryStatus.SKIPPED, skip_reason=SkipReason.NO_ADDRESS
        )
        Digest.objects.filter(pk=digest.pk).update(status=DigestStatus.SENT, item_count=0)
        return False
    try:
        _digest_message(user.email, items, messages).send()
    except Exception as exc:
        logger.warning("digest %s failed: %s", digest.pk, exc)
        Delivery.objects.filter(digest=digest).update(
            status=DeliveryStatus.FAILED, error=str(exc)[:500]
        )
        Digest.objects.filter(pk=digest.pk).update(
            status=DigestStatus.FAILED, error=str(exc)[:500], item_count=len(items)
        )
        return False
    Delivery.objects.filter(digest=digest).update(status=DeliveryStatus.SENT, sent_at=now)
    Digest.objects.filter(pk=digest.pk).update(
        status=DigestStatus.SENT, sent_at=now, item_count=len(items)
    )
    return True


def _digest_message(address: str, items: list[Delivery], messages: dict) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        count = len(items)
        subject = ngettext(
            "共治每日摘要：%(count)s 条新消息", "共治每日摘要：%(count)s 条新消息", count
        ) % {"count": count}
        text = render_to_string(
            "notifications/email/digest.txt",
            {
                "items": [
                    {
                        "batch": item.batch,
                        "message": messages[item.batch_id],
                        "link": channels.absolute_url(item.batch.url),
                    }
                    for item in items
                ],
                "count": count,
                "preferences_link": channels.absolute_url("/inbox/preferences/"),
            },
        )
    return EmailMessage(subject, text, to=[address])


# --- tidying up after crashes ------------------------------------------------------------


def mark_stalled_deliveries() -> int:
    """Mark deliveries stuck in "sending" (the sender died) as failed; never re-send them."""
    cutoff = timezone.now() - STALLED_AFTER
    error = _("发送中断，未确认是否送达。")
    Digest.objects.filter(status=DigestStatus.SENDING, created_at__lt=cutoff).update(
        status=DigestStatus.FAILED, error=error
    )
    stalled = Delivery.objects.filter(status=DeliveryStatus.SENDING, created_at__lt=cutoff)
    return stalled.update(status=DeliveryStatus.FAILED, error=error)


def redispatch_stalled_batches() -> int:
    """Enqueue again the batches whose enqueue never happened (e.g. the broker was down)."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = list(
        NotificationBatch.objects.filter(
            status=BatchStatus.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for batch_id in stalled:
        dispatch_batch(batch_id)
    return len(stalled)
