"""长辈模式 (elder mode): larger type, larger targets, higher contrast, simpler navigation.

Which mode a request is shown in, and how the choice is remembered:

- per device, in the cookie `elder` ("1" on, "0" off; a year; SameSite=Lax), which is all an
  anonymous visitor has;
- per person, in `User.elder_mode`: once a signed-in person has chosen, their choice wins over
  the device's cookie, and is copied to the cookie when they sign in (so the device remembers it
  after they sign out). Until they choose (None), the device's cookie decides for them too.

The mode is put on <html class="elder"> by the server (themes.context_processors), so there is
no flash of the small layout; themes/static/css/elder.css draws it. The anonymous page cache
keys its copies by the mode (portal.home.page_cache), so neither mode is served the other's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "elder"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Set on the request when someone signs in with a saved choice: the middleware copies it to
# the device's cookie on the way out (the login signal has no response to write to).
PENDING_ATTRIBUTE = "gongzhi_elder_cookie"


def device_choice(request: HttpRequest) -> bool | None:
    """Return what this device's cookie says: True, False, or None when it says nothing."""
    value = request.COOKIES.get(COOKIE_NAME)
    return {"1": True, "0": False}.get(value or "")


def is_on(request: HttpRequest) -> bool:
    """Return whether this request is shown in elder mode: the person's saved choice, else
    the device's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.elder_mode is not None:
        return bool(user.elder_mode)
    return bool(device_choice(request))


def remember_on_device(response: HttpResponse, *, on: bool) -> None:
    """Set the device's cookie to this choice for a year."""
    response.set_cookie(
        COOKIE_NAME,
        "1" if on else "0",
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


def copy_saved_choice_at_login(sender, request: HttpRequest | None = None, user=None, **_kwargs):
    """On sign-in, mark the person's saved choice for the device's cookie (user_logged_in)."""
    if request is not None and user is not None and user.elder_mode is not None:
        setattr(request, PENDING_ATTRIBUTE, bool(user.elder_mode))


class ElderCookieMiddleware:
    """Write the saved choice of someone who has just signed in to the device's cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        on = getattr(request, PENDING_ATTRIBUTE, None)
        if on is not None and device_choice(request) is not on:
            remember_on_device(response, on=on)
        return response
