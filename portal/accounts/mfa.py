"""TOTP for staff work, never for owner business (issue #13.7).

Who: every staff role (committee, property company, moderators, officials) and site
administrators must have an authenticator app (TOTP) for staff work.

When: not at sign-in. allauth's MFA stage would ask for the code at every login, even an
owner's SMS login to vote, so the adapter leaves it out (AccountAdapter.get_login_stages).
Instead a session is *verified for staff work* once the person enters a current TOTP code
(or a recovery code) at the step-up page, and stays so for GONGZHI_STAFF_MFA_HOURS.
Until then StaffMFAMiddleware suspends the staff roles for the request
(permissions.suspend_staff_roles): the person acts as the owner or resident they are, so
voting, reading and posting need nothing more, while every staff area (the admins, the
dashboard, moderation, assembly management, action items, official answers...) answers
as it would to a non-staff member. The admin's paths, and any page refused to them,
send them to the step-up page and back.

Setting up: the first visit to a staff area without an authenticator goes to the set-up
page (which names the apps that work in China), then to the recovery codes, whose page
leads on to where the person was going. Activating the app counts as a step-up.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from portal.community import permissions
from portal.views import local_path

VERIFIED_AT_SESSION_KEY = "gongzhi_staff_verified_at"
NEXT_SESSION_KEY = "gongzhi_staff_next"
DEFAULT_NEXT = "/admin/"


def requires_mfa(user: Any) -> bool:
    """Return whether the user must use TOTP for staff work: site admins and staff roles."""
    if not getattr(settings, "GONGZHI_REQUIRE_STAFF_MFA", True):
        return False
    return permissions.has_staff_roles(user)


def has_mfa(user: Any) -> bool:
    """Return whether the user has activated a TOTP authenticator."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def max_age_seconds() -> int:
    return int(getattr(settings, "GONGZHI_STAFF_MFA_HOURS", 12)) * 3600


def is_verified_for_staff_work(request: Any) -> bool:
    """Return whether this session entered a TOTP (or recovery) code recently enough."""
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    return bool(verified_at) and time.time() - float(verified_at) < max_age_seconds()


def mark_verified_for_staff_work(request: Any, *, cycle_key: bool = True) -> None:
    """Record the step-up in the session, under a new session key (no fixation).

    Activating an app marks it without a new key: the session has just been
    reauthenticated by allauth for the activation, and keeps its key through it.
    """
    if cycle_key:
        request.session.cycle_key()
    request.session[VERIFIED_AT_SESSION_KEY] = time.time()


def step_up_pending(request: Any) -> bool:
    """Return whether the signed-in user holds staff roles this session may not use yet."""
    user = request.user
    return bool(
        user.is_authenticated and requires_mfa(user) and not is_verified_for_staff_work(request)
    )


def safe_next(request: Any, candidate: str | None) -> str:
    """Return the candidate if it is a path on this site, else the admin's home."""
    return local_path(request, candidate, DEFAULT_NEXT)


def step_up_url(request: Any, next_path: str) -> str:
    """Return where to send the person for the step-up (or the set-up, without an app)."""
    request.session[NEXT_SESSION_KEY] = safe_next(request, next_path)
    if not has_mfa(request.user):
        return f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_path})}"
    return f"{reverse('accounts:staff_verify')}?{urlencode({'next': next_path})}"
