"""Kept for old imports only: the phone normaliser lives in portal.community.phone.

The owner register (community) and sign-in (accounts) both read phone numbers; the
normaliser belongs to community, which accounts already depends on, so that community
never imports accounts.
"""

from __future__ import annotations

from portal.community.phone import InvalidPhone, normalize_phone

__all__ = ["InvalidPhone", "normalize_phone"]
