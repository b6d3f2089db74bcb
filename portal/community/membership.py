"""Who belongs where: the people of units, and which roles form a party.

The one home of these answers; notices, consultations, deliberation and the oversight
views ask here instead of reading roles and ownerships themselves. Whether someone *may* do
something is a different question, answered by portal.community.permissions (which reads
the party mapping below).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.community.choices import Party, RoleKind
from portal.community.models import Estate, Ownership, Role, Unit

# The roles whose holders speak for each party (官方答复, responsibility, joint meetings).
# The committee and the property company act for one estate; the officials for every
# estate of their community or sub-district.
PARTY_ROLE_KINDS: dict[str, frozenset[str]] = {
    Party.COMMITTEE: frozenset(RoleKind.committee()),
    Party.PROPERTY: frozenset(RoleKind.property_company()),
    Party.COMMUNITY: frozenset({RoleKind.COMMUNITY_OFFICIAL}),
    Party.SUBDISTRICT: frozenset({RoleKind.SUBDISTRICT_OFFICIAL}),
}
ESTATE_PARTIES = (Party.COMMITTEE, Party.PROPERTY)
# The order in which a person holding several parties' roles is seated at a joint meeting.
PARTY_ORDER = (Party.COMMUNITY, Party.SUBDISTRICT, Party.COMMITTEE, Party.PROPERTY)


def party_of_kind(kind: str) -> str:
    """Return the party a role kind speaks for, or "" (owners, residents, moderators)."""
    return next((party for party, kinds in PARTY_ROLE_KINDS.items() if kind in kinds), "")


def party_roles(estate: Estate, party: str) -> Q:
    """Return the condition on Role for the roles that speak for the party over the estate."""
    kinds = PARTY_ROLE_KINDS.get(party)
    if kinds is None:
        return Q(pk__in=[])
    if party in ESTATE_PARTIES:
        return Q(estate_id=estate.pk, kind__in=kinds)
    if party == Party.COMMUNITY:
        return Q(kind__in=kinds, community_id=estate.community_id)
    return Q(kind__in=kinds, sub_district_id=estate.sub_district_id)


def party_users(estate: Estate, *parties: str) -> QuerySet:
    """Return the active users who act for any of these parties in the estate."""
    condition = Q(pk__in=[])
    for party in parties:
        condition |= party_roles(estate, party)
    role_users = Role.objects.active().filter(condition).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=role_users)


def party_user_ids(estate: Estate, party: str) -> list[int]:
    """Return the ids of the people who speak for the party over this estate (sorted)."""
    if party not in PARTY_ROLE_KINDS:
        return []
    roles = Role.objects.active().filter(party_roles(estate, party))
    return sorted(set(roles.values_list("user_id", flat=True)))


def party_candidates(estate: Estate) -> list[tuple[Any, str]]:
    """Return (user, party) for everyone who may sit for a party at a joint meeting.

    One row per user, with the party listed first in PARTY_ORDER; one query.
    """
    condition = Q(pk__in=[])
    for party in PARTY_ORDER:
        condition |= party_roles(estate, party)
    roles = (
        Role.objects.active()
        .filter(condition, user__is_active=True)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    chosen: dict[int, tuple[Any, str]] = {}
    for role in roles:
        party = party_of_kind(role.kind)
        current = chosen.get(role.user_id)
        if current is None or PARTY_ORDER.index(party) < PARTY_ORDER.index(current[1]):
            chosen[role.user_id] = (role.user, party)
    return sorted(chosen.values(), key=lambda pair: (PARTY_ORDER.index(pair[1]), pair[0].pk))


def estate_user_ids(estate: Estate, kinds: frozenset[str] | set[str]) -> list[int]:
    """Return the ids of the people holding any of these roles in the estate (sorted)."""
    return sorted(
        set(
            Role.objects.active()
            .filter(estate=estate, kind__in=kinds)
            .values_list("user_id", flat=True)
        )
    )


def member_units(user: Any, estate: Estate) -> QuerySet[Unit]:
    """Return the units of the estate the user owns or lives in."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    owned = Ownership.objects.filter(
        identity__user=user, identity__estate=estate, ended_at__isnull=True
    ).values("unit_id")
    lived_in = (
        Role.objects.active()
        .filter(user=user, estate=estate, kind=RoleKind.RESIDENT, unit__isnull=False)
        .values("unit_id")
    )
    return (
        Unit.objects.filter(Q(pk__in=owned) | Q(pk__in=lived_in))
        .select_related("building")
        .order_by("building__sort_key", "building__name", "floor", "number")
    )


def users_of_units(units: QuerySet[Unit], *, owners_only: bool = False) -> QuerySet:
    """Return the active accounts of the owners (and, unless owners_only, residents) of units."""
    owners = Ownership.objects.filter(
        unit__in=units, ended_at__isnull=True, identity__user__isnull=False
    ).values("identity__user_id")
    condition = Q(pk__in=owners)
    if not owners_only:
        residents = (
            Role.objects.active().filter(kind=RoleKind.RESIDENT, unit__in=units).values("user_id")
        )
        condition |= Q(pk__in=residents)
    return get_user_model().objects.filter(condition, is_active=True)


def owned_by_any(user_ids: QuerySet) -> Exists:
    """Return, for a Unit queryset's annotate, whether any of these users owns the unit."""
    return Exists(
        Ownership.objects.filter(
            unit=OuterRef("pk"), ended_at__isnull=True, identity__user_id__in=user_ids
        )
    )


def lived_in_by_any(user_ids: QuerySet) -> Exists:
    """Return, for a Unit queryset's annotate, whether any of these users lives in the unit."""
    return Exists(
        Role.objects.active().filter(
            kind=RoleKind.RESIDENT, unit=OuterRef("pk"), user_id__in=user_ids
        )
    )


__all__ = [
    "lived_in_by_any",
    "owned_by_any",
    "PARTY_ORDER",
    "PARTY_ROLE_KINDS",
    "estate_user_ids",
    "member_units",
    "party_candidates",
    "party_of_kind",
    "party_roles",
    "party_user_ids",
    "party_users",
    "users_of_units",
]
