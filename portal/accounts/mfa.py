"""Which accounts must use TOTP: every staff role and site administrators."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from portal.community.choices import RoleKind
from portal.community.models import Role


def requires_mfa(user: Any) -> bool:
    """Return whether the user must have TOTP: site admins, Django staff and every staff role."""
    if not getattr(settings, "GONGZHI_REQUIRE_STAFF_MFA", True):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Role.objects.active().filter(user=user, kind__in=RoleKind.staff()).exists()


def has_mfa(user: Any) -> bool:
    """Return whether the user has activated a TOTP authenticator."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
