"""Context every page template gets: the current estate (if any) and the reader's standing."""

from __future__ import annotations

from typing import Any

from portal.accounts import elder
from portal.community import permissions


def portal(request) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": "共治",
        "current_estate": getattr(request, "current_estate", None),
        "show_dashboard_link": bool(user and permissions.may_view_any_dashboard(user)),
        # Staff reach their work through the admin's door, which asks for the authenticator
        # code when the session has not given it yet (portal.accounts.mfa).
        "show_admin_link": bool(user and permissions.has_staff_roles(user)),
        # 长辈模式, set on <html> by the server: no flash of the small layout.
        "elder_mode": elder.is_on(request),
    }
