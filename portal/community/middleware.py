"""Turn LoginRequired from a permission-checked lookup into a redirect to the login page."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login

from portal.community.lookups import LoginRequired


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None
