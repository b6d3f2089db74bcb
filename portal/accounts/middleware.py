"""Staff must set up TOTP before the Wagtail admin opens to them."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and self._needs_mfa(request):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(request) -> bool:
        from portal.accounts.mfa import has_mfa, requires_mfa

        user = request.user
        return bool(user.is_authenticated and requires_mfa(user) and not has_mfa(user))
