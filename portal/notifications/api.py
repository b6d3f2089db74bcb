"""The one path every capability uses to tell people something: `notify()`.

    from portal.notifications.api import notify
    notify(recipients, category="notice", title="3栋停水通知", body="…", url="/jinxiu/…",
           urgency="urgent", estate=estate, dedupe_key="notice:42:published", actor=user,
           subject=notice)

A notification about someone's content passes the content as `subject` and never its words:
title and body are the portal's own text, and what may be shown of the subject (a thread's
title, a reply's excerpt with `quote_subject=True`) is read from the content's state each
time the item is shown or sent (portal.notifications.subjects).

The request only records a batch (one row, the recipients' ids in it) and, after the
transaction commits, enqueues one django-q2 task; the fan-out to inbox, email, SMS and WeChat runs
in tasks of 500 people each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from portal.community import audit
from portal.notifications import subjects
from portal.notifications.choices import BatchStatus, NotificationCategory, Urgency
from portal.notifications.limits import TITLE_MAX, URL_MAX, fit_title
from portal.notifications.models import NotificationBatch

CHUNK_SIZE = 500
KEY_MAX = NotificationBatch._meta.get_field("dedupe_key").max_length
BODY_MAX = 5000


def notify(
    recipients: Iterable[Any] | models.QuerySet,
    *,
    category: str,
    title: str,
    body: str = "",
    url: str = "",
    urgency: str = Urgency.NORMAL,
    estate: Any = None,
    dedupe_key: str = "",
    actor: Any = None,
    subject: models.Model | None = None,
    quote_subject: bool = False,
    within_audited_act: bool = False,
) -> NotificationBatch:
    """Record a notification for the recipients and enqueue its fan-out; return the batch.

    `subject` is the content the notification is about (its app must describe it in
    notification_subjects.py); with `quote_subject` the message shows the content's words
    for as long as they may be shown.

    With `within_audited_act` the caller is an act that runs in its own transaction and
    names the batch in its own audit record (casting a ballot and its receipt): the batch
    is written in that transaction, without a savepoint, and without a second record.

    Raise ValidationError (nothing recorded) on a bad category, urgency, title, body, url or
    subject. The same dedupe_key never reaches the same person twice, across batches and
    retries.
    """
    title = (title or "").strip()
    body = (body or "").strip()
    url = (url or "").strip()
    dedupe_key = (dedupe_key or "").strip()
    _validate(category=category, urgency=urgency, title=title, body=body, url=url, key=dedupe_key)
    _validate_subject(subject, quote_subject=quote_subject)
    recipient_ids = _recipient_ids(recipients)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None

    # Validation is done: from here only the writes, which the caller's act may hold.
    with transaction.atomic(savepoint=not within_audited_act):
        batch = NotificationBatch.objects.create(
            category=category,
            title=title,
            body=body,
            url=url,
            urgency=urgency,
            estate=estate,
            dedupe_key=dedupe_key,
            subject_type=ContentType.objects.get_for_model(subject) if subject else None,
            subject_id=subject.pk if subject else None,
            quote_subject=quote_subject,
            actor=actor,
            recipient_ids=recipient_ids,
            recipient_count=len(recipient_ids),
            chunk_size=CHUNK_SIZE,
            status=BatchStatus.QUEUED if recipient_ids else BatchStatus.EMPTY,
        )
        if not within_audited_act:
            audit.record(
                "notifications.notify",
                actor=actor,
                obj=batch,
                estate=estate,
                category=category,
                urgency=urgency,
                recipient_count=len(recipient_ids),
                dedupe_key=dedupe_key,
            )
        if recipient_ids:
            # After commit: a worker must never see a batch the request then rolls back.
            transaction.on_commit(partial(enqueue_batch, batch.pk))
    return batch


def enqueue_batch(batch_id: int) -> None:
    """Hand the batch to the task queue (one queue write; the dispatcher splits it)."""
    async_task(
        "portal.notifications.tasks.dispatch_batch",
        batch_id,
        task_name=f"notify-{batch_id}",
        group="notifications",
    )


def _validate(*, category: str, urgency: str, title: str, body: str, url: str, key: str) -> None:
    errors: dict[str, Any] = {}
    if category not in NotificationCategory.values:
        errors["category"] = _("未知的通知类别。")
    if urgency not in Urgency.values:
        errors["urgency"] = _("未知的紧急程度。")
    if not title:
        errors["title"] = _("通知标题不能为空。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("通知标题过长。")
    if len(body) > BODY_MAX:
        errors["body"] = _("通知正文过长。")
    # Site-relative only: a notification must never lead people off the site.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        errors["url"] = _("通知链接必须是本站的相对地址，以 / 开头。")
    elif len(url) > URL_MAX:
        errors["url"] = _("通知链接过长。")
    if len(key) > KEY_MAX:
        errors["dedupe_key"] = _("去重键过长。")
    if errors:
        raise ValidationError(errors)


def _validate_subject(subject: models.Model | None, *, quote_subject: bool) -> None:
    if subject is None:
        if quote_subject:
            raise ValidationError({"subject": _("引用内容的通知必须指明所引用的内容。")})
        return
    if not isinstance(subject, models.Model) or subject.pk is None:
        raise ValidationError({"subject": _("通知所关于的内容必须是已保存的记录。")})
    # Content nobody describes could not follow its own state into the inbox: refuse it.
    if not subjects.is_registered(type(subject)):
        raise ValidationError({"subject": _("这类内容不能作为通知的对象。")})


def _recipient_ids(recipients: Iterable[Any] | models.QuerySet) -> list[int]:
    """Return the distinct recipient ids, sorted so every retry slices the same chunks."""
    if isinstance(recipients, models.QuerySet):
        if recipients.query.is_sliced:  # a slice keeps its own order; sort afterwards
            return sorted(set(recipients.values_list("pk", flat=True)))
        return list(recipients.order_by("pk").values_list("pk", flat=True).distinct())
    ids = set()
    for recipient in recipients:
        pk = recipient if isinstance(recipient, int) else getattr(recipient, "pk", None)
        if pk is None:
            raise ValidationError(_("收件人必须是已保存的用户。"))
        ids.add(pk)
    return sorted(ids)


__all__ = ["TITLE_MAX", "URL_MAX", "fit_title", "notify"]
