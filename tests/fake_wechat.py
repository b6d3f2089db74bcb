"""A local stand-in for WeChat's servers, answering at the `requests` transport.

The real api.weixin.qq.com is unreachable here. `FakeWeChat` is a requests transport
adapter: mounted on every `requests.Session` (allauth's provider exchanges and the
official-account backend both use requests), it answers the OAuth code exchange, the
user-info call, the stable access token and the template-message send the way WeChat's
documentation describes, and records every call.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

API = "https://api.weixin.qq.com"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-only-app-secret"


@dataclass
class WeChatUser:
    openid: str
    nickname: str
    unionid: str = ""


@dataclass
class FakeWeChat(BaseAdapter):
    """Answer WeChat's API calls from memory; `authorize()` plays the user's consent."""

    users: dict[str, WeChatUser] = field(default_factory=dict)  # code → user
    known: dict[str, WeChatUser] = field(default_factory=dict)  # openid → user
    tokens: dict[str, str] = field(default_factory=dict)  # access token → openid
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    template_messages: list[dict] = field(default_factory=list)
    stable_tokens_issued: int = 0
    expire_next_send: bool = False
    unsubscribed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__()

    # --- what the user does on WeChat's consent page -----------------------------------

    def authorize(self, user: WeChatUser) -> str:
        """Return a one-time code as WeChat gives it to the callback after consent."""
        code = secrets.token_hex(8)
        self.users[code] = user
        self.known[user.openid] = user
        return code

    # --- the transport ------------------------------------------------------------------

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.calls.append((request.method, url.path))
        handler = {
            "/sns/oauth2/access_token": self._code_exchange,
            "/sns/userinfo": self._user_info,
            "/cgi-bin/stable_token": self._stable_token,
            "/cgi-bin/message/template/send": self._template_send,
        }.get(url.path)
        body = self._body(request)
        if request.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            query = {**query, **body}  # allauth posts the code exchange as a form
        payload = handler(query, body) if handler else {"errcode": 404, "errmsg": "not found"}
        return self._response(request, payload)

    @staticmethod
    def _body(request) -> dict:
        if not request.body:
            return {}
        raw = request.body.decode() if isinstance(request.body, bytes) else request.body
        if request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw)
        return {key: values[0] for key, values in parse_qs(raw).items()}

    def close(self) -> None:
        pass

    def _code_exchange(self, query: dict, body: dict) -> dict:
        if query.get("appid") != APP_ID or query.get("secret") != APP_SECRET:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        user = self.users.pop(query.get("code", ""), None)
        if user is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        token = secrets.token_hex(12)
        self.tokens[token] = user.openid
        return {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": secrets.token_hex(12),
            "openid": user.openid,
            "scope": "snsapi_userinfo",
        }

    def _user_info(self, query: dict, body: dict) -> dict:
        openid = self.tokens.get(query.get("access_token", ""))
        if openid is None or openid != query.get("openid"):
            return {"errcode": 40001, "errmsg": "invalid credential"}
        user = self.known[openid]
        # WeChat sends the nickname's UTF-8 bytes as if Latin-1; allauth decodes them back.
        nickname = user.nickname.encode("utf-8").decode("raw_unicode_escape")
        return {
            "openid": openid,
            "nickname": nickname,
            "sex": 0,
            "headimgurl": "",
            "unionid": user.unionid,
        }

    def _stable_token(self, query: dict, body: dict) -> dict:
        if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.stable_tokens_issued += 1
        token = f"stable-{self.stable_tokens_issued}"
        self.tokens[token] = ""
        return {"access_token": token, "expires_in": 7200}

    def _template_send(self, query: dict, body: dict) -> dict:
        if query.get("access_token") not in self.tokens or self.expire_next_send:
            self.expire_next_send = False
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if body.get("touser") in self.unsubscribed:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        self.template_messages.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": len(self.template_messages)}

    def _response(self, request, payload: dict) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response


def install(monkeypatch) -> FakeWeChat:
    """Route every request to api.weixin.qq.com through a new FakeWeChat; return it."""
    fake = FakeWeChat()
    original = requests.Session.get_adapter

    def get_adapter(session, url):
        if url.startswith(API):
            return fake
        return original(session, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return fake
