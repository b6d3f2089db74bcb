"""WeChat identity: who is bound to WeChat (a `weixin` SocialAccount) and under which openid.

Signing in with WeChat proves only that a person holds a WeChat account; ownership comes
from a mobile number verified against the owner register, as for everyone else
(portal.accounts.adapter.AccountAdapter.set_phone_verified).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PROVIDER = "weixin"
WECHAT_BROWSER_MARK = "MicroMessenger"


def in_wechat_browser(request: Any) -> bool:
    """Return whether the request comes from WeChat's built-in browser."""
    return WECHAT_BROWSER_MARK in request.headers.get("User-Agent", "")


def consent_page_origin() -> str:
    """Return the scheme and host of WeChat's consent page, where sign-in forms lead."""
    from urllib.parse import urlsplit

    from django.conf import settings

    url = urlsplit(settings.SOCIALACCOUNT_PROVIDERS[PROVIDER]["AUTHORIZE_URL"])
    return f"{url.scheme}://{url.netloc}"


def openids_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Return the WeChat openid of each of these people who has bound WeChat (one query)."""
    from allauth.socialaccount.models import SocialAccount

    ids = list(user_ids)
    if not ids:
        return {}
    rows = (
        SocialAccount.objects.filter(provider=PROVIDER, user_id__in=ids)
        .exclude(uid="")
        .order_by("user_id", "-pk")
        .values_list("user_id", "uid")
    )
    result: dict[int, str] = {}
    for user_id, uid in rows:
        result.setdefault(user_id, uid)
    return result


def account_of(user: Any) -> Any:
    """Return the person's WeChat SocialAccount, or None."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(provider=PROVIDER, user=user).order_by("-pk").first()


def is_bound(user: Any) -> bool:
    """Return whether the person can be reached on WeChat."""
    return bool(getattr(user, "pk", None)) and bool(openids_of([user.pk]))
