"""The unread count in the site header: one cheap query, only when a page shows it."""

from __future__ import annotations

from typing import Any

from portal.notifications.models import Notification

_ATTR = "_gongzhi_unread_notifications"


def unread_count(request) -> int:
    """Return the signed-in reader's unread count, read once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, _ATTR, None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        setattr(request, _ATTR, cached)
    return cached


def forget_unread_count(request) -> None:
    """Drop the cached count after the reader marks items read in this request."""
    if hasattr(request, _ATTR):
        delattr(request, _ATTR)


def notifications(request) -> dict[str, Any]:
    # A callable: the template calls it only where the header is drawn, so a page without
    # it (or an anonymous reader) costs no query.
    return {"unread_notification_count": lambda: unread_count(request)}
