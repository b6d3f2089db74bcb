"""The community domain in the Wagtail admin, and the guards that keep estates apart there.

Permission policies are registered first, before anything can ask Wagtail for a fallback
policy of these models (Wagtail refuses a late registration).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.permissions import register_permission_policy

# The register import screen registers its own hooks.
from portal.community import (
    permissions,
    register_hooks,  # noqa: E402, F401
)
from portal.community.admin.policies import POLICIES
from portal.community.admin.viewsets import CommunityAdminGroup
from portal.home.models import EstatePage

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_community_admin():
    return CommunityAdminGroup()


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    """Refuse the move screens unless the user may move this page there.

    Wagtail's move-confirmation view checks only when the move is performed, so without this
    its GET would show another estate's page to anyone with admin access.
    """
    if page.permissions_for_user(request.user).can_move_to(destination):
        return None
    return permission_denied(request)


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_visible_estates(pages, request):
    """Offer in the page chooser only pages of estates whose members' content the user may see."""
    user = request.user
    if permissions.is_site_admin(user):
        return pages

    hidden = [
        estate_page.path
        for estate_page in EstatePage.objects.select_related("estate__community")
        if not permissions.may(user, "view_members", estate_page.estate)
    ]
    if not hidden:
        return pages
    return pages.exclude(reduce(or_, (Q(path__startswith=path) for path in hidden)))
