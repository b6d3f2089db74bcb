"""The member's inbox, for the copy of their data (PIPL Art. 45; portal/accounts/export.py).

Exactly the items the inbox lists (`lookups.inbox_items`), with what the inbox shows of
each (`subjects.messages_for`, to this reader), so the copy follows whatever the inbox hides.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portal.notifications import subjects
from portal.notifications.lookups import inbox_items


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def sections(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Return {"notifications": [...]}: the user's inbox items, newest first."""
    items = list(inbox_items(user).order_by("-created_at", "-pk"))
    shown = subjects.messages_for(
        {item.batch_id: item.batch for item in items}.values(), reader=user
    )
    return {
        "notifications": [
            {
                "title": shown[item.batch_id].title,
                "body": shown[item.batch_id].body,
                "url": item.batch.url,
                "category": str(item.batch.get_category_display()),
                "urgency": item.batch.urgency,
                "estate": item.batch.estate.name if item.batch.estate else None,
                "received_at": _when(item.created_at),
                "read_at": _when(item.read_at),
            }
            for item in items
        ]
    }
