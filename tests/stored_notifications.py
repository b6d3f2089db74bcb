"""Read back what the real notify() stored, for tests that check who was told what.

Tests call the real portal.notifications.api.notify and read the NotificationBatch rows it
records (one per call, its recipients' ids in it), instead of replacing the module.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from portal.notifications.models import NotificationBatch


def _as_call(batch: NotificationBatch) -> dict[str, Any]:
    users = get_user_model().objects.in_bulk(batch.recipient_ids)
    return {
        "category": batch.category,
        "title": batch.title,
        "body": batch.body,
        "url": batch.url,
        "urgency": batch.urgency,
        "estate": batch.estate,
        "dedupe_key": batch.dedupe_key,
        "actor": batch.actor,
        "subject": batch.subject,
        "user_ids": set(batch.recipient_ids),
        "recipients": [users[pk] for pk in sorted(batch.recipient_ids) if pk in users],
    }


class StoredNotifications:
    """The notifications recorded so far, oldest first, each as a dict (see _as_call)."""

    def all(self) -> list[dict[str, Any]]:
        batches = NotificationBatch.objects.select_related("estate", "actor").order_by("pk")
        return [_as_call(batch) for batch in batches]

    @property
    def sent(self) -> list[dict[str, Any]]:
        return self.all()

    def by_key(self, key: str) -> list[dict[str, Any]]:
        return [call for call in self.all() if call["dedupe_key"] == key]

    def __iter__(self):
        return iter(self.all())

    def __len__(self) -> int:
        return NotificationBatch.objects.count()
