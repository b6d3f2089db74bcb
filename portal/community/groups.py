"""Wagtail editor groups: one per estate and staff role, with rights only on that estate's subtree."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from portal.community.choices import RoleKind
from portal.community.models import Estate

# Page rights per staff role. Committee members draft; the chair publishes (issue #3 adds
# a workflow so committee notices need the chair's approval); property staff publish service
# notices themselves.
PAGE_RIGHTS: dict[str, tuple[str, ...]] = {
    RoleKind.COMMITTEE_CHAIR: (
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    ),
    RoleKind.COMMITTEE_MEMBER: ("add_page", "change_page"),
    RoleKind.PROPERTY_MANAGER: (
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    ),
    RoleKind.PROPERTY_STAFF: ("add_page", "change_page", "publish_page"),
    RoleKind.MODERATOR: (),
}
ADMIN_RIGHTS = (
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def group_name(estate: Estate, kind: str) -> str:
    return f"{estate.slug}:{kind}"


def ensure_estate_groups(estate: Estate, estate_page: Page) -> dict[str, Group]:
    """Create (or complete) the estate's groups; idempotent."""
    admin_perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in ADMIN_RIGHTS
    ]
    groups: dict[str, Group] = {}
    for kind, rights in PAGE_RIGHTS.items():
        group, _created = Group.objects.get_or_create(name=group_name(estate, kind))
        group.permissions.add(*admin_perms)
        for codename in rights:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=estate_page, permission=permission
            )
        groups[kind] = group
    return groups


def estate_group(estate: Estate, kind: str) -> Group | None:
    if kind not in PAGE_RIGHTS:
        return None
    return Group.objects.filter(name=group_name(estate, kind)).first()


OFFICIALS_GROUP = "officials"


def officials_group() -> Group:
    """Return the group that lets community and sub-district officials into the admin.

    It carries no page rights: officials observe (audit log, dashboards) and do not edit an
    estate's pages; what they see there is decided by portal.community.permissions.
    """
    group, created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def role_group(role_kind: str, estate: Estate | None) -> Group | None:
    """Return the admin group a role brings with it, if any."""
    if role_kind in RoleKind.officials():
        return officials_group()
    return estate_group(estate, role_kind) if estate is not None else None
