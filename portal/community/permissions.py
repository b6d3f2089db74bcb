"""The one place that answers "may this user do X here".

Views, templates (the `may` tag), the admin, the API and search all ask this module;
nothing else decides access. Answers are per estate and per role; a user's active roles
are read once per request and kept on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from portal.community.choices import RoleKind, Visibility
from portal.community.models import Community, Estate, OwnerIdentity, Role

_CACHE_ATTR = "_gongzhi_role_set"
# Set for a request whose staff step-up (TOTP) is pending: the staff roles then count for
# nothing, so the person acts as the owner or resident they also are (portal.accounts.mfa).
_STAFF_SUSPENDED_ATTR = "_gongzhi_staff_roles_suspended"

EDITOR_KINDS = frozenset({*RoleKind.committee(), *RoleKind.property_company()})
REGISTER_KINDS = frozenset({RoleKind.COMMITTEE_CHAIR, RoleKind.PROPERTY_MANAGER})
CLAIM_DECIDER_KINDS = frozenset({*RoleKind.committee(), RoleKind.PROPERTY_MANAGER})
MODERATOR_KINDS = frozenset({RoleKind.MODERATOR, *RoleKind.committee()})
ESTATE_STAFF_KINDS = frozenset({*EDITOR_KINDS, RoleKind.MODERATOR})
DASHBOARD_ESTATE_KINDS = frozenset({*RoleKind.committee(), RoleKind.PROPERTY_MANAGER})


@dataclass
class RoleSet:
    """A user's active roles, indexed for the questions this module asks."""

    by_estate: dict[int, set[str]] = field(default_factory=dict)
    communities: set[int] = field(default_factory=set)
    sub_districts: set[int] = field(default_factory=set)
    owner_estates: set[int] = field(default_factory=set)

    def kinds_in(self, estate: Estate) -> set[str]:
        return self.by_estate.get(estate.pk, set())


def roles_of(user: Any) -> RoleSet:
    """Return the user's active roles, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    role_set = RoleSet()
    for kind, estate_id, community_id, sub_district_id in (
        Role.objects.active()
        .filter(user=user)
        .values_list("kind", "estate_id", "community_id", "sub_district_id")
    ):
        if estate_id:
            role_set.by_estate.setdefault(estate_id, set()).add(kind)
        elif community_id:
            role_set.communities.add(community_id)
        elif sub_district_id:
            role_set.sub_districts.add(sub_district_id)
    # A verified owner is one whose account is linked to a register identity with units.
    role_set.owner_estates = set(
        OwnerIdentity.objects.filter(user=user, ownerships__ended_at__isnull=True)
        .values_list("estate_id", flat=True)
        .distinct()
    )
    if getattr(user, _STAFF_SUSPENDED_ATTR, False):
        _drop_staff_roles(role_set)
    setattr(user, _CACHE_ATTR, role_set)
    return role_set


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a change, so the next question reads them afresh."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _drop_staff_roles(role_set: RoleSet) -> None:
    staff = set(RoleKind.staff())
    role_set.by_estate = {
        estate_id: kinds - staff for estate_id, kinds in role_set.by_estate.items() if kinds - staff
    }
    role_set.communities = set()
    role_set.sub_districts = set()


def has_staff_roles(user: Any) -> bool:
    """Return whether the user holds a staff role (committee, property company, moderator,
    official) or is a site administrator: the accounts that must use TOTP."""
    if not is_authenticated(user):
        return False
    if user.is_superuser or user.is_staff or staff_roles_suspended(user):
        return True
    roles = roles_of(user)
    staff = set(RoleKind.staff())
    return bool(
        roles.communities
        or roles.sub_districts
        or any(kinds & staff for kinds in roles.by_estate.values())
    )


def suspend_staff_roles(user: Any) -> None:
    """Let the user act for this request as the owner or resident they are, nothing more.

    Used while a staff member's TOTP step-up is pending: signing in with an SMS code is
    enough to vote or read, not to moderate, publish or see the dashboard.
    """
    setattr(user, _STAFF_SUSPENDED_ATTR, True)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        _drop_staff_roles(cached)


def staff_roles_suspended(user: Any) -> bool:
    return bool(getattr(user, _STAFF_SUSPENDED_ATTR, False))


def is_site_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_superuser
        and not staff_roles_suspended(user)
    )


# --- who someone is in an estate -------------------------------------------------------


def is_verified_owner(user: Any, estate: Estate) -> bool:
    """Return whether the user's account is linked to an owner of units in this estate."""
    roles = roles_of(user)
    return estate.pk in roles.owner_estates and RoleKind.OWNER in roles.kinds_in(estate)


def is_member(user: Any, estate: Estate) -> bool:
    """Return whether the user belongs to the estate: owner, resident or estate staff."""
    return bool(roles_of(user).kinds_in(estate))


def is_official_for(user: Any, estate: Estate) -> bool:
    """Return whether the user is a community or sub-district official over this estate."""
    roles = roles_of(user)
    if not (roles.communities or roles.sub_districts):
        return False
    community = estate.community if "community" in estate._state.fields_cache else None
    if community is None:
        community = Community.objects.only("id", "sub_district_id").get(pk=estate.community_id)
        estate._state.fields_cache["community"] = community
    return community.pk in roles.communities or community.sub_district_id in roles.sub_districts


def has_any_kind(user: Any, estate: Estate, kinds: frozenset[str] | set[str]) -> bool:
    return bool(roles_of(user).kinds_in(estate) & set(kinds))


def estates_visible_to_official(user: Any):
    """Return the estates an official oversees (empty for everyone else)."""
    roles = roles_of(user)
    if is_site_admin(user):
        return Estate.objects.all()
    return Estate.objects.filter(community_id__in=roles.communities) | Estate.objects.filter(
        community__sub_district_id__in=roles.sub_districts
    )


def member_estate_ids(user: Any) -> set[int]:
    """Return the ids of estates the user belongs to (by role)."""
    return set(roles_of(user).by_estate)


# --- what someone may do ----------------------------------------------------------------


def may_view(user: Any, estate: Estate | None, visibility: str) -> bool:
    """Return whether the user may see content of this visibility in this estate.

    District-wide content (no estate) that is not public is for any signed-in user.
    """
    if visibility == Visibility.PUBLIC:
        return True
    if not is_authenticated(user):
        return False
    if is_site_admin(user) or estate is None:
        return True
    if visibility == Visibility.MEMBERS:
        return is_member(user, estate) or is_official_for(user, estate)
    # Owners-only content: verified owners, the estate's staff who serve them, and officials.
    return (
        is_verified_owner(user, estate)
        or has_any_kind(user, estate, ESTATE_STAFF_KINDS)
        or is_official_for(user, estate)
    )


def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_edit_content(user: Any, estate: Estate) -> bool:
    """Write and publish the estate's pages (notices, consultations, knowledge) in the admin."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def may_manage_register(user: Any, estate: Estate) -> bool:
    """Import and correct the owner register."""
    return is_site_admin(user) or has_any_kind(user, estate, REGISTER_KINDS)


def may_view_register(user: Any, estate: Estate) -> bool:
    """See the estate's buildings, units and (masked) owner register: committee and property company."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def may_decide_claims(user: Any, estate: Estate) -> bool:
    """Approve or reject ownership and residence applications."""
    return is_site_admin(user) or has_any_kind(user, estate, CLAIM_DECIDER_KINDS)


def may_assign_roles(user: Any, estate: Estate) -> bool:
    """Grant and revoke estate roles: the platform operator only."""
    return is_site_admin(user)


def may_moderate(user: Any, estate: Estate) -> bool:
    return is_site_admin(user) or has_any_kind(user, estate, MODERATOR_KINDS)


def may_participate(user: Any, estate: Estate) -> bool:
    """Post, report issues, acknowledge notices: any member of the estate."""
    return is_member(user, estate)


def may_vote(user: Any, estate: Estate) -> bool:
    """Vote in the owners' assembly: verified owners only (SPC interpretation Art. 16)."""
    return is_verified_owner(user, estate)


def may_run_assembly(user: Any, estate: Estate) -> bool:
    """Run the owners' assembly: announce, open and close it, decide proxies, enter paper ballots.

    The owners' committee convenes the assembly (Civil Code Art. 277, 280), not the property
    company, so property staff are deliberately absent.
    """
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.committee()))


def may_observe_assembly(user: Any, estate: Estate) -> bool:
    """Follow an assembly's turnout live and see its results before certification.

    The committee that runs it and whoever sees the estate's dashboard (community and
    sub-district officials, the property manager). Choice counts still wait for the close.
    """
    return may_run_assembly(user, estate) or may_view_dashboard(user, estate)


def may_manage_consultation(user: Any, estate: Estate) -> bool:
    """Write consultations, see live results, mark opinions and publish the response report.

    The owners' committee consults the owners; the property company does not run it.
    """
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.committee()))


def may_view_dashboard(user: Any, estate: Estate) -> bool:
    """See outcome figures for the estate: officials over it, its committee and manager."""
    return (
        is_site_admin(user)
        or is_official_for(user, estate)
        or has_any_kind(user, estate, DASHBOARD_ESTATE_KINDS)
    )


def may_view_any_dashboard(user: Any) -> bool:
    """Return whether the user oversees any estate (for the header's 看板 link)."""
    if is_site_admin(user):
        return True
    roles = roles_of(user)
    return bool(
        roles.communities
        or roles.sub_districts
        or any(kinds & DASHBOARD_ESTATE_KINDS for kinds in roles.by_estate.values())
    )


def may_view_audit(user: Any, estate: Estate) -> bool:
    return may_view_dashboard(user, estate)


def may_invite_residents(user: Any, estate: Estate) -> bool:
    return is_verified_owner(user, estate)


# --- joint meetings and action items (deliberation.oversight) ----------------------------


def parties_of(user: Any, estate: Estate) -> set[str]:
    """Return the parties (community.choices.Party) the user acts for in this estate."""
    from portal.community.choices import Party

    if not is_authenticated(user):
        return set()
    kinds = roles_of(user).kinds_in(estate)
    parties = set()
    if kinds & set(RoleKind.committee()):
        parties.add(Party.COMMITTEE)
    if kinds & set(RoleKind.property_company()):
        parties.add(Party.PROPERTY)
    roles = roles_of(user)
    if is_official_for(user, estate):
        community = estate.community  # read (once) by is_official_for
        if community.pk in roles.communities:
            parties.add(Party.COMMUNITY)
        if community.sub_district_id in roles.sub_districts:
            parties.add(Party.SUBDISTRICT)
    return parties


def may_answer_officially(user: Any, estate: Estate) -> bool:
    """Post and mark official answers (官方答复) for a party: its members over this estate."""
    return bool(parties_of(user, estate))


def may_deliberate(user: Any, estate: Estate) -> bool:
    """Write in the estate's discussion area: its members, and the parties that answer them."""
    return may_participate(user, estate) or may_answer_officially(user, estate)


def may_convene_meetings(user: Any, estate: Estate) -> bool:
    """Convene a joint meeting (三方联席会议): officials over the estate, or its committee."""
    return (
        is_site_admin(user)
        or is_official_for(user, estate)
        or has_any_kind(user, estate, frozenset(RoleKind.committee()))
    )


def may_create_action_items(user: Any, estate: Estate) -> bool:
    """Open action items (督办事项): the committee, the property company, officials over it."""
    return may_convene_meetings(user, estate) or has_any_kind(
        user, estate, frozenset(RoleKind.property_company())
    )


def may_assign_to_party(user: Any, estate: Estate, party: str) -> bool:
    """Open an action item for this responsible party.

    The committee and officials may hold any party to account; the property company's staff
    only open items for their own company.
    """
    from portal.community.choices import Party

    if may_convene_meetings(user, estate):
        return True
    return party == Party.PROPERTY and has_any_kind(
        user, estate, frozenset(RoleKind.property_company())
    )


def may_see_meetings_in_preparation(user: Any, estate: Estate) -> bool:
    """See joint meetings before their minutes are published: the estate's staff and officials.

    Participants see their own meetings too (JointMeetingQuerySet.visible_to).
    """
    return (
        is_site_admin(user)
        or is_official_for(user, estate)
        or has_any_kind(user, estate, ESTATE_STAFF_KINDS)
    )


def may_report_progress(user: Any, item: Any) -> bool:
    """Post a progress update on an action item: its responsible person or party."""
    if not is_authenticated(user):
        return False
    if is_site_admin(user) or item.responsible_person_id == user.pk:
        return True
    return item.responsible_party in parties_of(user, item.estate)


# --- owners' proposals and supports (proposals) -------------------------------------------


def may_propose(user: Any, estate: Estate) -> bool:
    """Put forward an owners' proposal (业主提案): verified owners of the estate only."""
    return is_verified_owner(user, estate)


def may_support_proposals(user: Any, estate: Estate) -> bool:
    """Support a proposal: verified owners, since supports count heads of owners."""
    return is_verified_owner(user, estate)


def may_answer_proposals(user: Any, estate: Estate) -> bool:
    """Give the public answer to a proposal: the owners' committee or the property company."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def may_support_content(user: Any, estate: Estate) -> bool:
    """Support a discussion post or a consultation opinion: any member of the estate."""
    return may_participate(user, estate)


ACTIONS = {
    "view_members": lambda u, e: may_view(u, e, Visibility.MEMBERS),
    "view_owners": lambda u, e: may_view(u, e, Visibility.OWNERS),
    "edit_content": may_edit_content,
    "view_register": may_view_register,
    "manage_register": may_manage_register,
    "decide_claims": may_decide_claims,
    "assign_roles": may_assign_roles,
    "moderate": may_moderate,
    "participate": may_participate,
    "vote": may_vote,
    "run_assembly": may_run_assembly,
    "view_dashboard": may_view_dashboard,
    "view_audit": may_view_audit,
    "invite_residents": may_invite_residents,
    "observe_assembly": may_observe_assembly,
    "convene_meetings": may_convene_meetings,
    "create_action_items": may_create_action_items,
    "manage_consultation": may_manage_consultation,
    "answer_officially": may_answer_officially,
    "deliberate": may_deliberate,
    "propose": may_propose,
    "support_proposals": may_support_proposals,
    "answer_proposals": may_answer_proposals,
    "support_content": may_support_content,
}


def may(user: Any, action: str, estate: Estate | None) -> bool:
    """Return whether the user may perform the named action in the estate."""
    if estate is None:
        return is_site_admin(user)
    try:
        check = ACTIONS[action]
    except KeyError as exc:
        raise ValueError(f"Unknown action {action!r}") from exc
    return check(user, estate)


def estates_where(user: Any, action: str):
    """Return the estates where the user may perform the named action, as a queryset.

    Candidates are the estates the user holds a role in or oversees as an official; each is
    asked through `may`, so this answers from the same rules as every single-estate check.
    """
    if is_site_admin(user):
        return Estate.objects.all()
    if not is_authenticated(user):
        return Estate.objects.none()
    roles = roles_of(user)
    candidates = Estate.objects.filter(
        Q(pk__in=roles.by_estate)
        | Q(community_id__in=roles.communities)
        | Q(community__sub_district_id__in=roles.sub_districts)
    ).select_related("community")
    allowed = [estate.pk for estate in candidates if may(user, action, estate)]
    return Estate.objects.filter(pk__in=allowed)


__all__ = [
    "ACTIONS",
    "RoleSet",
    "estates_visible_to_official",
    "estates_where",
    "forget_roles",
    "has_staff_roles",
    "is_member",
    "is_official_for",
    "is_site_admin",
    "is_verified_owner",
    "may",
    "may_view",
    "roles_of",
    "staff_roles_suspended",
    "suspend_staff_roles",
]
