"""How a notification travels: which channels a person gets, and the senders for each.

`route()` is the one place that turns urgency and preferences into per-channel decisions;
the fan-out task and the preferences page both read it, so the page explains exactly
what the sender does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.sms import send_sms
from portal.links import absolute_url
from portal.notifications.choices import (
    Channel,
    DeliveryStatus,
    EmailMode,
    NotificationCategory,
    SkipReason,
    Urgency,
)
from portal.notifications.wechat import WeChatMessage, send_wechat

logger = logging.getLogger("gongzhi.notifications")

SMS_TEXT_LIMIT = 60


@dataclass(frozen=True)
class Route:
    """The decision for one channel: the delivery's first status and why it is skipped."""

    status: str
    skip_reason: str = SkipReason.NONE


def route_email(*, urgency: str, mode: str, category_enabled: bool, has_address: bool) -> Route:
    """Decide the email delivery. Email always follows the person's choices.

    Urgent items skip the digest (they go at once) but not an explicit "off": the inbox and
    SMS already carry them, and those cannot be silenced.
    """
    if not has_address:
        return Route(DeliveryStatus.SKIPPED, SkipReason.NO_ADDRESS)
    if mode == EmailMode.OFF or not category_enabled:
        return Route(DeliveryStatus.SKIPPED, SkipReason.PREFERENCE_OFF)
    if mode == EmailMode.DAILY_DIGEST and urgency != Urgency.URGENT:
        return Route(DeliveryStatus.DIGEST)
    return Route(DeliveryStatus.QUEUED)


def route_sms(*, urgency: str, category_enabled: bool, has_verified_phone: bool) -> Route:
    """Decide the SMS delivery: urgent always, important by preference, normal never.

    SMS costs money per message and interrupts people, so ordinary news stays in the inbox
    and email; an urgent notice (停水停电, a safety warning) cannot be switched off.
    """
    if not has_verified_phone:
        return Route(DeliveryStatus.SKIPPED, SkipReason.NO_ADDRESS)
    if urgency == Urgency.URGENT:
        return Route(DeliveryStatus.QUEUED)
    if urgency == Urgency.NORMAL:
        return Route(DeliveryStatus.SKIPPED, SkipReason.NOT_URGENT_ENOUGH)
    if not category_enabled:
        return Route(DeliveryStatus.SKIPPED, SkipReason.PREFERENCE_OFF)
    return Route(DeliveryStatus.QUEUED)


def route_wechat(*, urgency: str, category_enabled: bool, has_openid: bool) -> Route:
    """Decide the WeChat delivery: only to people bound to WeChat; urgent cannot be silenced.

    A WeChat message costs nothing and is read where owners already are, so every category
    goes there by default; a person may switch a category off, but an urgent notice
    (停水停电, a safety warning) still comes, as by SMS.
    """
    if not has_openid:
        return Route(DeliveryStatus.SKIPPED, SkipReason.NOT_BOUND)
    if urgency != Urgency.URGENT and not category_enabled:
        return Route(DeliveryStatus.SKIPPED, SkipReason.PREFERENCE_OFF)
    return Route(DeliveryStatus.QUEUED)


def has_verified_phone(user: Any) -> bool:
    return bool(user.phone and user.phone_verified)


def email_subject(batch: Any, message: Any) -> str:
    if batch.urgency == Urgency.URGENT:
        return _("【紧急】%(title)s") % {"title": message.title}
    if batch.urgency == Urgency.IMPORTANT:
        return _("【重要】%(title)s") % {"title": message.title}
    return message.title


def sms_text(batch: Any, message: Any) -> str:
    """Return the SMS text: the title as it reads now and the link, short enough for one message."""
    title = message.title[:SMS_TEXT_LIMIT]
    link = absolute_url(batch.url)
    if batch.urgency == Urgency.URGENT:
        return _("【紧急】%(title)s。详情：%(url)s") % {"title": title, "url": link}
    return _("%(title)s。详情：%(url)s") % {"title": title, "url": link}


def wechat_message(batch: Any, message: Any, openid: str) -> WeChatMessage:
    """Return the WeChat template message for one person: the title as it reads now, the link."""
    labels = dict(NotificationCategory.choices)
    estate = batch.estate.name if batch.estate_id else str(labels.get(batch.category, ""))
    title = message.title
    if batch.urgency == Urgency.URGENT:
        title = _("【紧急】%(title)s") % {"title": title}
    return WeChatMessage(
        openid=openid,
        category=batch.category,
        title=title,
        estate=estate,
        sent_at=timezone.localtime(batch.created_at).strftime("%Y-%m-%d %H:%M"),
        url=absolute_url(batch.url or "/inbox/"),
        urgent=batch.urgency == Urgency.URGENT,
    )


class EmailSender:
    """Send one batch's email to many people over one connection, one message each.

    `message` is the batch as it reads at sending time (portal.notifications.subjects).
    """

    def __init__(self, batch: Any, message: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self.subject = email_subject(batch, message)
            self.text = render_to_string(
                "notifications/email/notification.txt",
                {"batch": batch, "message": message, "link": absolute_url(batch.url)},
            )
        self.connection = get_connection()

    def send(self, address: str) -> None:
        EmailMessage(self.subject, self.text, to=[address], connection=self.connection).send()

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # a failed close must not mark sent mail as failed
            logger.exception("closing the email connection failed")


def send_one(
    channel: str, *, user: Any, email_sender: EmailSender, sms: str, batch: Any, message: Any
) -> None:
    """Send one delivery through its channel; raise on failure."""
    if channel == Channel.EMAIL:
        email_sender.send(user.email)
    elif channel == Channel.SMS:
        send_sms(user.phone, sms)
    elif channel == Channel.WECHAT:
        send_wechat(wechat_message(batch, message, user.wechat_openid))
    else:  # pragma: no cover - the fan-out creates email, SMS and WeChat deliveries only
        raise ValueError(channel)
