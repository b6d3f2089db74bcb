"""State changes a person makes to their own notifications: reading, and preferences.

Marking an item read is the reader's own bookmark, recorded on the item itself (read_at);
it is deliberately not written to the audit log, which would otherwise fill with clicks.
Acknowledging a notice (已读回执) is a different, audited act in portal/notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from portal.community import audit
from portal.notifications.choices import Channel, EmailMode, NotificationCategory
from portal.notifications.models import EmailSetting, Notification, NotificationPreference
from portal.notifications.preferences import all_switches, preferences_of

if TYPE_CHECKING:
    from portal.accounts.types import User


def mark_read(notification: Notification) -> bool:
    """Mark one inbox item read (once); return whether it was unread."""
    with transaction.atomic():
        now = timezone.now()
        changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        )
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(user: User) -> int:
    """Mark every unread item in the person's inbox read; return how many."""
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_read_about(user: User, subject: models.Model) -> int:
    """Mark read the person's unread items about this content; return how many.

    Called when the person has dealt with the content itself (acknowledged a notice), so
    the inbox does not keep asking them about something they have done.
    """
    with transaction.atomic():
        return Notification.objects.filter(
            user=user,
            read_at__isnull=True,
            batch__subject_type=ContentType.objects.get_for_model(subject),
            batch__subject_id=subject.pk,
        ).update(read_at=timezone.now())


def save_preferences(user: User, *, email_mode: str, enabled: dict[tuple[str, str], bool]) -> list:
    """Store the person's switches and email mode; return the (category, channel) turned off.

    `enabled` maps (category, channel) to on/off for email, SMS and WeChat; the in-site inbox has
    no switch. Raise ValueError on an unknown category, channel or mode.
    """
    if email_mode not in EmailMode.values:
        raise ValueError(email_mode)
    switches = set(all_switches())
    unknown = set(enabled) - switches
    if unknown:
        raise ValueError(sorted(unknown))
    before = preferences_of(user.pk)
    with transaction.atomic():
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(
                    user=user, category=category, channel=channel, enabled=enabled[key]
                )
                for key in sorted(enabled)
                for category, channel in [key]
            ],
            update_conflicts=True,
            unique_fields=["user", "category", "channel"],
            update_fields=["enabled", "updated_at"],
        )
        EmailSetting.objects.update_or_create(user=user, defaults={"mode": email_mode})
        turned_off = sorted(key for key, on in enabled.items() if not on and before.enabled(*key))
        turned_on = sorted(key for key, on in enabled.items() if on and not before.enabled(*key))
        if turned_off or turned_on or email_mode != before.email_mode:
            audit.record(
                "notifications.preferences_changed",
                actor=user,
                obj=user,
                email_mode=email_mode,
                turned_off=[f"{category}:{channel}" for category, channel in turned_off],
                turned_on=[f"{category}:{channel}" for category, channel in turned_on],
            )
    return turned_off


def sms_off_categories(user_id: int) -> list[str]:
    """Return the categories whose SMS the person turned off (urgent items still come)."""
    prefs = preferences_of(user_id)
    return [
        category
        for category in NotificationCategory.values
        if not prefs.enabled(category, Channel.SMS)
    ]
