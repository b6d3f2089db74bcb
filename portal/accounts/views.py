from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.community import permissions
from portal.community.models import OwnerIdentity, Role


@login_required
def profile(request):
    """The member's own page: their units, roles and applications."""
    identities = (
        OwnerIdentity.objects.filter(user=request.user)
        .select_related("estate")
        .prefetch_related("ownerships__unit__building")
    )
    roles = (
        Role.objects.active()
        .filter(user=request.user)
        .select_related("estate", "community", "sub_district", "unit__building")
    )
    return render(
        request,
        "accounts/profile.html",
        {"identities": identities, "roles": roles, "role_set": permissions.roles_of(request.user)},
    )


def privacy(request):
    """The short privacy notice shown at sign-up (PIPL Art. 17)."""
    return render(request, "accounts/privacy.html")
