"""Pluggable SMS sending. The console backend logs; production plugs a provider adapter in."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("gongzhi.sms")


@dataclass(frozen=True)
class SMSMessage:
    to: str
    text: str


class BaseSMSBackend:
    def send(self, message: SMSMessage) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Write the message to the log (and so the terminal of `make run`)."""

    def send(self, message: SMSMessage) -> None:
        logger.warning("SMS to %s: %s", message.to, message.text)
        print(f"[SMS] to {message.to}: {message.text}", flush=True)


class LocmemSMSBackend(BaseSMSBackend):
    """Keep messages in memory for tests (like Django's locmem email backend)."""

    outbox: list[SMSMessage] = []

    def send(self, message: SMSMessage) -> None:
        type(self).outbox.append(message)


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, text: str) -> None:
    """Send one text message through the configured backend."""
    get_backend().send(SMSMessage(to=to, text=f"【{settings.SMS_SIGN_NAME}】{text}"))
