"""Friendly error pages and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def favicon(request) -> HttpResponse:
    """Send /favicon.ico, which browsers and feed readers ask for by name, to the static icon."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.ico"))


def healthz(request) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def switch_language(request, code: str):
    """Set the interface language by a plain link, so cached pages carry no CSRF token.

    Changing the display language is harmless, so a GET is acceptable here; the cookie is
    what ChineseFirstLocaleMiddleware reads.
    """
    from django.conf import settings
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if code in {language for language, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response
