"""Permission-checked lookups for the inbox: a person reaches only their own items."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from portal.community.lookups import LoginRequired
from portal.notifications.models import Notification


def get_notification_for_reader(request, pk: int) -> Notification:
    """Return the reader's own inbox item; 404 for anyone else's (no hint that it exists)."""
    if not request.user.is_authenticated:
        raise LoginRequired
    try:
        return Notification.objects.select_related("batch").get(pk=pk, user=request.user)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


def inbox_items(user) -> QuerySet[Notification]:
    """Return the user's own inbox items with what the inbox shows of them (one place, so the
    inbox and the copy of the user's data list the same things)."""
    return Notification.objects.filter(user=user).select_related("batch", "batch__estate")
