"""Limits on signing in: failed passwords and text messages with codes.

Counted with allauth's rate limiter (the cache), under the actions set in
ACCOUNT_RATE_LIMITS. The client's address is allauth's: REMOTE_ADDR, or behind the TLS
proxy the X-Forwarded-For entry that ALLAUTH_TRUSTED_PROXY_COUNT names (README).

Failed passwords are counted three ways, so that an attacker cannot lock an owner out:

- per network, across accounts ("login_failed", per ip);
- per account *from one network* ("login_failed", per key: the adapter's key is the
  account and the network) — that network waits, the owner elsewhere is not affected;
- per account across all networks ("login_failed_account") — once a distributed attack
  spends it, password login for the account pauses, and the owner signs in with an SMS
  code, which proves the phone. So the right password from a fresh network still works
  after one network's failures, and voting day cannot be blocked by anyone.

Text messages with codes (sign-in, phone verification, closing the account) are capped per
phone and per network per day ("sms_phone", "sms_ip"), on top of allauth's per-minute
limits: that bounds both the messages one victim can be sent and the code guesses per
phone (codes x ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth.core import ratelimit
from django.conf import settings
from django.utils.translation import gettext as _

SMS_PHONE = "sms_phone"
SMS_IP = "sms_ip"
LOGIN_FAILED_ACCOUNT = "login_failed_account"
# Set in the session while the last code message was refused: the code pages then say it
# was not sent, and allauth's "code sent" notice is not shown beside the refusal.
SMS_REFUSED_SESSION_KEY = "gongzhi_code_sms_refused"


def client_network(request: Any) -> str:
    """Return the client's address as the limits count it: IPv6 by its /64 (or the
    configured prefix), since one subscriber holds the whole block."""
    from allauth.account.adapter import get_adapter

    address = get_adapter(request).get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        prefix = getattr(settings, "ALLAUTH_RATE_LIMIT_IPV6_PREFIX", 64)
        return str(ipaddress.IPv6Network(f"{parsed}/{prefix}", strict=False).network_address)
    return str(parsed)


# --- passwords ---------------------------------------------------------------------------


def password_login_paused(request: Any, account_key: str) -> bool:
    """Return whether the account's failures from all networks have used up its allowance."""
    return not ratelimit.consume(
        request, action=LOGIN_FAILED_ACCOUNT, key=account_key, dry_run=True
    )


def record_password_failure(request: Any, account_key: str) -> None:
    """Count one failed password against the account, whatever the network."""
    ratelimit.consume(request, action=LOGIN_FAILED_ACCOUNT, key=account_key)


# --- text messages -----------------------------------------------------------------------


def sms_refusal(request: Any, phone: str, *, consume: bool = False) -> str | None:
    """Return why no further code may be texted to the phone today, or None.

    With `consume`, a message that may go is counted against both allowances (and only
    then: a refusal by one allowance spends nothing of the other).
    """
    if not ratelimit.consume(request, action=SMS_PHONE, key=phone, dry_run=True):
        return _("该手机号今天接收的验证码已达上限，请明天再试。已设置密码的，可以用密码登录。")
    if not ratelimit.consume(request, action=SMS_IP, dry_run=True):
        return _(
            "您所在的网络今天获取验证码的次数已达上限，请明天再试，或改用手机流量网络。"
            "已设置密码的，可以用密码登录。"
        )
    if consume:
        ratelimit.consume(request, action=SMS_PHONE, key=phone)
        ratelimit.consume(request, action=SMS_IP)
    return None
