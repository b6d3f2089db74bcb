"""Who acts for which party in an estate: recipients and meeting participants."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from portal.community.choices import Party, RoleKind
from portal.community.models import Estate, Role

PARTY_ORDER = (Party.COMMUNITY, Party.SUBDISTRICT, Party.COMMITTEE, Party.PROPERTY)


def _roles_of_party(estate: Estate, party: str) -> Q:
    if party == Party.COMMITTEE:
        return Q(estate_id=estate.pk, kind__in=RoleKind.committee())
    if party == Party.PROPERTY:
        return Q(estate_id=estate.pk, kind__in=RoleKind.property_company())
    if party == Party.COMMUNITY:
        return Q(kind=RoleKind.COMMUNITY_OFFICIAL, community_id=estate.community_id)
    if party == Party.SUBDISTRICT:
        return Q(kind=RoleKind.SUBDISTRICT_OFFICIAL, sub_district_id=estate.sub_district_id)
    return Q(pk__in=[])


def party_of_role(role: Role) -> str:
    if role.kind in RoleKind.committee():
        return Party.COMMITTEE
    if role.kind in RoleKind.property_company():
        return Party.PROPERTY
    if role.kind == RoleKind.COMMUNITY_OFFICIAL:
        return Party.COMMUNITY
    return Party.SUBDISTRICT


def party_users(estate: Estate, *parties: str) -> QuerySet:
    """Return the active users who act for any of these parties in the estate."""
    condition = Q(pk__in=[])
    for party in parties:
        condition |= _roles_of_party(estate, party)
    role_users = Role.objects.active().filter(condition).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=role_users)


def candidates(estate: Estate) -> list[tuple[object, str]]:
    """Return (user, party) for everyone who may sit for a party at a joint meeting.

    One row per user, with the party listed first in PARTY_ORDER; one query.
    """
    condition = Q(pk__in=[])
    for party in PARTY_ORDER:
        condition |= _roles_of_party(estate, party)
    roles = (
        Role.objects.active()
        .filter(condition, user__is_active=True)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    chosen: dict[int, tuple[object, str]] = {}
    for role in roles:
        party = party_of_role(role)
        current = chosen.get(role.user_id)
        if current is None or PARTY_ORDER.index(party) < PARTY_ORDER.index(current[1]):
            chosen[role.user_id] = (role.user, party)
    return sorted(chosen.values(), key=lambda pair: (PARTY_ORDER.index(pair[1]), pair[0].pk))
