"""Input defences and security headers that apply to every request (see SECURITY.md).

- HostileInputMiddleware refuses a request whose query or form fields carry control characters
  (NUL, escape, bidirectional overrides): no field of the portal takes them, PostgreSQL cannot
  store NUL, and XML (RSS, XLSX) cannot carry them. The reader gets a 400 page saying why.
  In the Wagtail admin, where a refusal would throw away an editor's unsaved page, they are
  removed instead (text pasted from Word carries vertical tabs as line breaks).
- PermissionsPolicyMiddleware turns off the browser features the portal never uses.
- ContentSecurityPolicyMiddleware sends the CSP of settings.CONTENT_SECURITY_POLICY, with the
  relaxations the Wagtail admin needs on its own paths only; csp_report logs violations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.text_checks import has_control_characters, without_control_characters

logger = logging.getLogger(__name__)

# Camera, microphone, location, payment... none is used; a script injected despite the CSP
# cannot ask for them either. `interest-cohort` opts out of FLoC-style tracking.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def _fields(data: object) -> Iterable[tuple[str, str]]:
    for key, values in data.lists():  # type: ignore[attr-defined]
        for value in values:
            yield key, value


def wants_json(request: HttpRequest) -> bool:
    """Return whether the client reads JSON (the open-data API, the progress poller)."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def hostile_input_response(
    request: HttpRequest, message: str, *, status: int = 400
) -> HttpResponse:
    """Return the page (or JSON) that tells the reader why their input was refused."""
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "errors/400.html", {"message": message}, status=status)


class HostileInputMiddleware:
    """Refuse control characters in any query or form field, before a view sees them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)  # a non-UTF-8 form raises BadRequest: handler400
        if request.path_info.startswith(ADMIN_PATH_PREFIXES):
            _strip_control_characters(request)
            return self.get_response(request)
        for source in sources:
            for key, value in _fields(source):
                # Free text may hold tabs and line breaks; nothing may hold NUL or ESC.
                if has_control_characters(key) or has_control_characters(value, multiline=True):
                    logger.info("Refused control characters in %r on %s", key, request.path)
                    return hostile_input_response(
                        request,
                        _(
                            "您提交的内容含有不可见的控制字符（常见于从其他软件复制的文字），"
                            "请删除后重新提交。"
                        ),
                    )
        return self.get_response(request)


def _strip_control_characters(request: HttpRequest) -> None:
    """Replace the request's query and form data by copies without control characters."""
    for name in ("GET", "POST"):
        if name == "POST" and request.method != "POST":
            continue
        data = getattr(request, name)
        if not any(
            has_control_characters(key) or has_control_characters(value, multiline=True)
            for key, value in _fields(data)
        ):
            continue
        cleaned = data.copy()
        for key in list(cleaned.keys()):
            cleaned.setlist(key, [without_control_characters(v) for v in data.getlist(key)])
        cleaned._mutable = False
        setattr(request, name, cleaned)


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# The Wagtail admin (editors and staff, behind login and TOTP) uses inline scripts and styles
# and blob: images for uploads; only its own paths get these, the public site never does.
ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_CSP = {
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxations on the admin's paths only."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A form that leads elsewhere by design (the WeChat sign-in button, whose answer
        # redirects to WeChat's consent page) names its destination on the request;
        # browsers apply form-action to the redirect too.
        targets = getattr(request, "csp_form_targets", None)
        if targets:
            parts.update = {**(parts.update or {}), "form-action": sorted(set(targets))}
        if request.path_info.startswith(ADMIN_PATH_PREFIXES):
            parts.replace = {**(parts.replace or {}), **ADMIN_CSP}
            # A nonce would make browsers ignore 'unsafe-inline'.
            parts.nonce = None
        return parts


MAX_REPORT_BYTES = 16 * 1024
REPORT_TYPES = ("application/csp-report", "application/json", "application/reports+json")


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a browser's CSP violation report (report-uri); answer 204 whatever it holds.

    Browsers send JSON (application/csp-report); anything else is not a report (and a form's
    body has already been read by HostileInputMiddleware), so it is refused with 415.
    """
    if request.content_type not in REPORT_TYPES:
        return HttpResponse(status=415)
    body = request.body[:MAX_REPORT_BYTES].decode("utf-8", "replace")
    logger.warning("CSP violation on %s: %s", request.headers.get("Referer", "?"), body)
    return HttpResponse(status=204)
