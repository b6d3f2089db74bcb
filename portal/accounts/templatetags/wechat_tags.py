"""Template tags for WeChat sign-in: is this WeChat's browser, is WeChat set up for the site."""

from __future__ import annotations

from typing import Any

from django import template

from portal.accounts import wechat

register = template.Library()


@register.simple_tag(takes_context=True)
def wechat_login(context: Any) -> dict[str, bool]:
    """Return whether WeChat sign-in is configured for this site, and whether to put it first.

    Configured means a SocialApp for the weixin provider is attached to the current site
    (the Django admin, /django-admin/socialaccount/socialapp/).
    """
    from allauth.socialaccount.adapter import get_adapter

    request = context.get("request")
    if request is None:
        return {"available": False, "first": False}
    available = bool(get_adapter().list_apps(request, provider=wechat.PROVIDER))
    if available:
        # The button's form is answered by a redirect to WeChat: let this page's CSP allow it.
        request.csp_form_targets = [
            *getattr(request, "csp_form_targets", []),
            wechat.consent_page_origin(),
        ]
    return {"available": available, "first": available and wechat.in_wechat_browser(request)}
