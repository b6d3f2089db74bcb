"""Friendly error pages and the health check."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.accounts import elder
from portal.accounts.mfa import step_up_url
from portal.security import hostile_input_response

logger = logging.getLogger(__name__)

# A lost or refused database connection (a restart, a failover, a full pool): the request may
# succeed a moment later, so it is answered 503 with Retry-After rather than 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def bad_request(request, exception=None):
    """Explain a refused request in the reader's language (Django's own page is English)."""
    from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent

    text = str(exception or "")
    if "UTF-8" in text:
        message = _("表单必须以 UTF-8 编码提交。请刷新页面后重新填写提交。")
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _("提交的字段或文件过多，请减少后重试。")
    else:
        message = _("提交的内容格式有误，请返回上一页检查后重试。")
    return hostile_input_response(request, message)


def too_many_requests(request, exception=None):
    """Answer a rate limit (allauth's SMS and login limits) with a Chinese page."""
    return render(request, "errors/429.html", status=429)


def permission_denied(request, exception=None):
    """Refuse, or first ask staff for their authenticator code.

    A staff member whose session is not yet verified for staff work acts as an owner or
    resident only (portal.accounts.mfa); a page refused to them is usually a staff page,
    so a GET goes to the step-up and comes back here once verified.
    """
    if getattr(request, "gongzhi_staff_step_up", False) and request.method == "GET":
        from django.shortcuts import redirect

        return redirect(step_up_url(request, request.get_full_path()))
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """Answer an unhandled exception: 503 when the database is unreachable, else the 500 page.

    Django calls this for an exception raised anywhere, in a view or in a middleware (loading
    the session or the user), while the exception is still being handled.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return render(request, "errors/500.html", status=500)


def database_unavailable(request, exception: BaseException | None = None) -> HttpResponse:
    """Return the 503 page in the reader's language, rendered without touching the database."""
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(exception).__name__,
        exception,
    )
    # No request context: the context processors (unread count, settings) would query. Elder
    # mode as this device's cookie says (the person's saved choice is in the database).
    html = render_to_string(
        "503.html",
        {"retry_after": RETRY_AFTER_SECONDS, "elder_mode": elder.device_choice(request) is True},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


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
