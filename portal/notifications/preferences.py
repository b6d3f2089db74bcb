"""Read people's notification preferences in bulk (the fan-out) or for one person (the page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.notifications.choices import SWITCHABLE_CHANNELS, EmailMode, NotificationCategory
from portal.notifications.models import EmailSetting, NotificationPreference


@dataclass
class Preferences:
    """One person's choices; anything not stored is on, and email goes at once."""

    email_mode: str = EmailMode.IMMEDIATE
    disabled: set[tuple[str, str]] = field(default_factory=set)  # (category, channel)

    def enabled(self, category: str, channel: str) -> bool:
        return (category, channel) not in self.disabled


def preferences_of(user_id: int) -> Preferences:
    """Return one person's preferences (two queries)."""
    return preferences_for([user_id])[user_id]


def preferences_for(user_ids: Iterable[int], category: str | None = None) -> dict[int, Preferences]:
    """Return the preferences of many people in two queries, optionally for one category."""
    ids = list(user_ids)
    result = {user_id: Preferences() for user_id in ids}
    if not ids:
        return result
    rows = NotificationPreference.objects.filter(user_id__in=ids, enabled=False)
    if category is not None:
        rows = rows.filter(category=category)
    for user_id, row_category, channel in rows.values_list("user_id", "category", "channel"):
        result[user_id].disabled.add((row_category, channel))
    for user_id, mode in EmailSetting.objects.filter(user_id__in=ids).values_list(
        "user_id", "mode"
    ):
        result[user_id].email_mode = mode
    return result


def all_switches() -> list[tuple[str, str]]:
    """Return every (category, channel) a person may switch, in display order."""
    return [
        (category, channel)
        for category in NotificationCategory.values
        for channel in SWITCHABLE_CHANNELS
    ]
