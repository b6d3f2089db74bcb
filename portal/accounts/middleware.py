"""Staff roles count only in sessions verified with TOTP (portal.accounts.mfa explains)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

from portal.accounts import mfa
from portal.community import permissions

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# The admins' own login pages would sign people in without allauth.
ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")


class StaffMFAMiddleware:
    """Suspend the staff roles of a session not yet verified for staff work.

    The admins' paths send such a person to the step-up (or to set up an app first);
    elsewhere they act as the owner or resident they also are, and a page refused to them
    sends them to the step-up too (themes.views.permission_denied). Every admin login goes
    through allauth.
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
        request.gongzhi_staff_step_up = mfa.step_up_pending(request)
        if request.gongzhi_staff_step_up:
            permissions.suspend_staff_roles(request.user)
            if path.startswith(ADMIN_PREFIXES):
                return redirect(mfa.step_up_url(request, request.get_full_path()))
        return self.get_response(request)


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
