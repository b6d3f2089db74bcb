"""Staff must set up TOTP before the Wagtail (or Django) admin opens to them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# The admins' own login pages would sign people in without allauth's MFA step.
ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")


class StaffMFAMiddleware:
    """Send staff without TOTP to set it up, and every admin login through allauth.

    Only the admin paths are gated, so the MFA setup pages, logout and the public site
    stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(ADMIN_LOGIN_PATHS):
            query = urlencode(
                {REDIRECT_FIELD_NAME: request.GET.get(REDIRECT_FIELD_NAME, "/admin/")}
            )
            return redirect(f"{reverse('account_login')}?{query}")
        if path.startswith(ADMIN_PREFIXES) and self._needs_mfa(request):
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(request) -> bool:
        from portal.accounts.mfa import has_mfa, requires_mfa

        user = request.user
        return bool(user.is_authenticated and requires_mfa(user) and not has_mfa(user))


class RateLimitedMiddleware:
    """Answer allauth's RateLimited with the 429 page where allauth lets it escape.

    A second sign-up for a phone within 30 s reaches the phone-verification step, whose
    rate limit raises instead of answering (allauth 65): without this, a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from allauth.core.exceptions import RateLimited
        from allauth.core.ratelimit import respond_429

        if isinstance(exception, RateLimited):
            return respond_429(request)
        return None
