"""Pluggable WeChat sending, like portal.accounts.sms: console, locmem, and an official account.

A WeChat message goes to one person's openid under the official account (the same account
people sign in with, so the openid of their `weixin` SocialAccount is the one the account
can write to). The official-account backend sends a template message (模板消息) through
the WeChat API; its access token is fetched with the app id and secret from the
environment and cached until shortly before it expires.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger("gongzhi.wechat")

# The "thing" keywords of a WeChat template take at most 20 characters.
THING_LIMIT = 20
TOKEN_CACHE_KEY = "gongzhi:wechat:access-token"
# Refetch a little before WeChat's own expiry, so a token never dies in flight.
TOKEN_MARGIN_SECONDS = 300
# errcodes that mean "the token is no good": fetch a new one and try once more.
TOKEN_ERRORS = {40001, 40014, 42001}


class WeChatError(Exception):
    """WeChat refused or could not be reached; the delivery is recorded as failed."""


@dataclass(frozen=True)
class WeChatMessage:
    """One template message to one person: what it says and where a tap leads."""

    openid: str
    category: str
    title: str
    estate: str
    sent_at: str
    url: str
    urgent: bool = False


class BaseWeChatBackend:
    def send(self, message: WeChatMessage) -> None:
        raise NotImplementedError


class ConsoleWeChatBackend(BaseWeChatBackend):
    """Write the message to the log (and so the terminal of `make run`)."""

    def send(self, message: WeChatMessage) -> None:
        logger.warning("WeChat to %s: %s %s", message.openid, message.title, message.url)
        print(f"[WeChat] to {message.openid}: {message.title} {message.url}", flush=True)


class LocmemWeChatBackend(BaseWeChatBackend):
    """Keep messages in memory for tests (like Django's locmem email backend)."""

    outbox: list[WeChatMessage] = []

    def send(self, message: WeChatMessage) -> None:
        type(self).outbox.append(message)


class OfficialAccountBackend(BaseWeChatBackend):
    """Send template messages of an official account (服务号) through the WeChat API.

    Settings (from the environment): WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_TEMPLATE_ID
    (and optionally WECHAT_TEMPLATE_ID_URGENT for urgent notices), WECHAT_API_URL.
    The template's keywords are thing1 (title), thing2 (estate), time3 (when).
    """

    def __init__(self) -> None:
        self.app_id = settings.WECHAT_APP_ID
        self.secret = settings.WECHAT_APP_SECRET
        self.template_id = settings.WECHAT_TEMPLATE_ID
        self.urgent_template_id = settings.WECHAT_TEMPLATE_ID_URGENT or self.template_id
        self.api = settings.WECHAT_API_URL.rstrip("/")
        if not (self.app_id and self.secret and self.template_id):
            raise ImproperlyConfigured(
                "OfficialAccountBackend needs WECHAT_APP_ID, WECHAT_APP_SECRET and "
                "WECHAT_TEMPLATE_ID."
            )

    def send(self, message: WeChatMessage) -> None:
        payload = self.payload(message)
        result = self._post(payload, self.access_token())
        if result.get("errcode") in TOKEN_ERRORS:
            # Another process may have refreshed the token: fetch anew, try once more.
            cache.delete(TOKEN_CACHE_KEY)
            result = self._post(payload, self.access_token())
        if result.get("errcode", 0) != 0:
            raise WeChatError(f"WeChat errcode {result.get('errcode')}: {result.get('errmsg')}")

    def payload(self, message: WeChatMessage) -> dict[str, Any]:
        return {
            "touser": message.openid,
            "template_id": self.urgent_template_id if message.urgent else self.template_id,
            "url": message.url,
            "data": {
                "thing1": {"value": message.title[:THING_LIMIT]},
                "thing2": {"value": message.estate[:THING_LIMIT]},
                "time3": {"value": message.sent_at},
            },
        }

    def access_token(self) -> str:
        """Return the cached access token, fetching a stable token when there is none."""
        token = cache.get(TOKEN_CACHE_KEY)
        if token:
            return token
        result = self._request(
            "post",
            f"{self.api}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": self.app_id, "secret": self.secret},
        )
        token = result.get("access_token")
        if not token:
            raise WeChatError(
                f"WeChat token refused: {result.get('errcode')} {result.get('errmsg')}"
            )
        ttl = max(int(result.get("expires_in", 7200)) - TOKEN_MARGIN_SECONDS, 60)
        cache.set(TOKEN_CACHE_KEY, token, ttl)
        return token

    def _post(self, payload: dict[str, Any], token: str) -> dict[str, Any]:
        return self._request(
            "post",
            f"{self.api}/cgi-bin/message/template/send",
            params={"access_token": token},
            json=payload,
        )

    def _request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        import requests

        try:
            response = requests.request(method, url, timeout=10, **kwargs)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeChatError(f"WeChat API unreachable: {exc}") from exc


def get_backend() -> BaseWeChatBackend:
    return import_string(settings.WECHAT_BACKEND)()


def send_wechat(message: WeChatMessage) -> None:
    """Send one WeChat message through the configured backend; raise on failure."""
    get_backend().send(message)
