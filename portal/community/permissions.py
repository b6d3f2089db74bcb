"""The one place that answers "may this user do X here".

Views, templates (the `may` tag), the admin, the API and search all ask this module;
nothing else decides access. Answers are per estate and per role; a user's active roles
are read once per request and kept on the user object.

Long because: it is the one place every permission decision lives (#14 item 1), a small
predicate per action in two tables (ACTIONS over estates, OBJECT_ACTIONS); a newcomer finds any
rule here and nowhere else, which splitting the file would undo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, IntegerField, Q, Value

from portal.community.choices import Party, RoleKind, Visibility
from portal.community.membership import ESTATE_PARTIES, PARTY_ROLE_KINDS, member_units
from portal.community.models import Community, Estate, OwnerIdentity, Role

_CACHE_ATTR = "_gongzhi_role_set"
# Set for a request whose staff step-up (TOTP) is pending: the staff roles then count for
# nothing, so the person acts as the owner or resident they also are (portal.accounts.mfa).
_STAFF_SUSPENDED_ATTR = "_gongzhi_staff_roles_suspended"

# Marks the owner-standing rows in roles_of's one statement; no RoleKind is spelt so.
_OWNS_UNITS = "~owns-units"

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


def _role_rows(users: Q):
    """Return (user id, kind, estate, community, sub-district) of the users' active roles and
    owner standing, in one statement (every signed-in request asks: issue #15)."""
    roles = (
        Role.objects.active()
        .filter(users)
        .order_by()
        .values_list("user_id", "kind", "estate_id", "community_id", "sub_district_id")
    )
    # A verified owner is one whose account is linked to a register identity with units.
    owned = (
        OwnerIdentity.objects.filter(users, ownerships__ended_at__isnull=True)
        .order_by()
        .annotate(
            role_kind=Value(_OWNS_UNITS, output_field=CharField()),
            no_community=Value(None, output_field=IntegerField()),
            no_sub_district=Value(None, output_field=IntegerField()),
        )
        .values_list("user_id", "role_kind", "estate_id", "no_community", "no_sub_district")
    )
    return roles.union(owned, all=True)


def _add_role(role_set: RoleSet, kind, estate_id, community_id, sub_district_id) -> None:
    if kind == _OWNS_UNITS:
        role_set.owner_estates.add(estate_id)
    elif estate_id:
        role_set.by_estate.setdefault(estate_id, set()).add(kind)
    elif community_id:
        role_set.communities.add(community_id)
    elif sub_district_id:
        role_set.sub_districts.add(sub_district_id)


def _keep(user: Any, role_set: RoleSet) -> RoleSet:
    if getattr(user, _STAFF_SUSPENDED_ATTR, False):
        _drop_staff_roles(role_set)
    setattr(user, _CACHE_ATTR, role_set)
    return role_set


def roles_of(user: Any) -> RoleSet:
    """Return the user's active roles, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    role_set = RoleSet()
    for _user_id, *row in _role_rows(Q(user=user)):
        _add_role(role_set, *row)
    return _keep(user, role_set)


def read_roles(users: Any) -> None:
    """Read the roles of many users in one statement and keep each on its user object, so
    asking `may` about each of them (a notification's recipients) reads nothing more."""
    pending = {
        user.pk: user
        for user in users
        if getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, _CACHE_ATTR, None) is None
    }
    if not pending:
        return
    sets = {pk: RoleSet() for pk in pending}
    for user_id, *row in _role_rows(Q(user_id__in=list(pending))):
        _add_role(sets[user_id], *row)
    for pk, user in pending.items():
        _keep(user, sets[pk])


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


def standing_in(user: Any, estate: Estate) -> str:
    """Return how the user belongs to the estate as a person, not as staff: "owner" (a
    verified owner), "resident", "moderator", or "" (for labels and refusal messages)."""
    if is_verified_owner(user, estate):
        return "owner"
    kinds = roles_of(user).kinds_in(estate)
    if RoleKind.RESIDENT in kinds:
        return "resident"
    if RoleKind.MODERATOR in kinds:
        return "moderator"
    return ""


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


def _may_edit_content(user: Any, estate: Estate) -> bool:
    """Write and publish the estate's pages (notices, consultations, knowledge) in the admin."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def _may_manage_register(user: Any, estate: Estate) -> bool:
    """Import and correct the owner register."""
    return is_site_admin(user) or has_any_kind(user, estate, REGISTER_KINDS)


def _may_view_register(user: Any, estate: Estate) -> bool:
    """See the estate's buildings, units and (masked) owner register: committee and property company."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def _may_decide_claims(user: Any, estate: Estate) -> bool:
    """Approve or reject ownership and residence applications."""
    return is_site_admin(user) or has_any_kind(user, estate, CLAIM_DECIDER_KINDS)


def _may_assign_roles(user: Any, estate: Estate) -> bool:
    """Grant and revoke estate roles: the platform operator only."""
    return is_site_admin(user)


def _may_moderate(user: Any, estate: Estate) -> bool:
    return is_site_admin(user) or has_any_kind(user, estate, MODERATOR_KINDS)


def _may_participate(user: Any, estate: Estate) -> bool:
    """Post, report issues, acknowledge notices: any member of the estate."""
    return is_member(user, estate)


def _may_vote(user: Any, estate: Estate) -> bool:
    """Vote in the owners' assembly: verified owners only (SPC interpretation Art. 16)."""
    return is_verified_owner(user, estate)


def _may_run_assembly(user: Any, estate: Estate) -> bool:
    """Run the owners' assembly: announce, open and close it, decide proxies, enter paper ballots.

    The owners' committee convenes the assembly (Civil Code Art. 277, 280), not the property
    company, so property staff are deliberately absent.
    """
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.committee()))


def _may_observe_assembly(user: Any, estate: Estate) -> bool:
    """Follow an assembly's turnout live and see its results before certification.

    The committee that runs it and whoever sees the estate's dashboard (community and
    sub-district officials, the property manager). Choice counts still wait for the close.
    """
    return _may_run_assembly(user, estate) or _may_view_dashboard(user, estate)


def _may_manage_consultation(user: Any, estate: Estate) -> bool:
    """Write consultations, see live results, mark opinions and publish the response report.

    The owners' committee consults the owners; the property company does not run it.
    """
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.committee()))


def _may_enter_disclosures(user: Any, estate: Estate) -> bool:
    """Enter and import the periodic disclosure (信息公开): the property company (Civil Code
    Art. 943 puts the duty on the property service provider)."""
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.property_company()))


def _may_review_disclosures(user: Any, estate: Estate) -> bool:
    """Confirm or query each line of a disclosure, publish it and run the service evaluation:
    the owners' committee, which answers for the owners."""
    return is_site_admin(user) or has_any_kind(user, estate, frozenset(RoleKind.committee()))


def _may_see_disclosure_drafts(user: Any, estate: Estate) -> bool:
    """See a disclosure before it is published: the company that writes it, the committee that
    reviews it."""
    return _may_enter_disclosures(user, estate) or _may_review_disclosures(user, estate)


def _may_view_dashboard(user: Any, estate: Estate) -> bool:
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


def _may_view_audit(user: Any, estate: Estate) -> bool:
    return _may_view_dashboard(user, estate)


def _may_invite_residents(user: Any, estate: Estate) -> bool:
    return is_verified_owner(user, estate)


# --- joint meetings and action items (deliberation.oversight) ----------------------------


def parties_of(user: Any, estate: Estate) -> set[str]:
    """Return the parties (community.choices.Party) the user acts for in this estate."""
    if not is_authenticated(user):
        return set()
    kinds = roles_of(user).kinds_in(estate)
    parties = {party for party in ESTATE_PARTIES if kinds & PARTY_ROLE_KINDS[party]}
    roles = roles_of(user)
    if is_official_for(user, estate):
        community = estate.community  # read (once) by is_official_for
        if community.pk in roles.communities:
            parties.add(Party.COMMUNITY)
        if community.sub_district_id in roles.sub_districts:
            parties.add(Party.SUBDISTRICT)
    return parties


def _may_answer_officially(user: Any, estate: Estate) -> bool:
    """Post and mark official answers (官方答复) for a party: its members over this estate."""
    return bool(parties_of(user, estate))


def _may_deliberate(user: Any, estate: Estate) -> bool:
    """Write in the estate's discussion area: its members, and the parties that answer them."""
    return _may_participate(user, estate) or _may_answer_officially(user, estate)


def _may_convene_meetings(user: Any, estate: Estate) -> bool:
    """Convene a joint meeting (三方联席会议): officials over the estate, or its committee."""
    return (
        is_site_admin(user)
        or is_official_for(user, estate)
        or has_any_kind(user, estate, frozenset(RoleKind.committee()))
    )


def _may_create_action_items(user: Any, estate: Estate) -> bool:
    """Open action items (督办事项): the committee, the property company, officials over it."""
    return _may_convene_meetings(user, estate) or has_any_kind(
        user, estate, frozenset(RoleKind.property_company())
    )


def _may_open_items_for(user: Any, target: PartyTarget) -> bool:
    """Open (or move) an action item for this responsible party.

    The committee and officials may hold any party to account; the property company's staff
    only open items for their own company.
    """
    estate = target.estate
    if _may_convene_meetings(user, estate):
        return True
    return target.party == Party.PROPERTY and has_any_kind(
        user, estate, frozenset(RoleKind.property_company())
    )


def _may_see_meetings_in_preparation(user: Any, estate: Estate) -> bool:
    """See joint meetings before their minutes are published: the estate's staff and officials.

    Participants see their own meetings too (JointMeetingQuerySet.visible_to).
    """
    return (
        is_site_admin(user)
        or is_official_for(user, estate)
        or has_any_kind(user, estate, ESTATE_STAFF_KINDS)
    )


# --- what someone may do to one object ---------------------------------------------------
# Authorship and state belong to the decision as much as roles do: "may edit this post" is
# "is its author", "may see these results" is "runs it, or it has closed". Each rule takes
# the object; its estate comes from the object.


@dataclass(frozen=True)
class PartyTarget:
    """A responsible party in an estate: the object of "open an action item for them"."""

    estate: Estate
    party: str


def _is_author(user: Any, obj: Any) -> bool:
    return is_authenticated(user) and obj.author_id == user.pk


def _may_view_held_thread(user: Any, thread: Any) -> bool:
    """A thread held for review: its author and the moderators."""
    return _is_author(user, thread) or _may_moderate(user, thread.estate)


def _may_read_withheld_post(user: Any, post: Any) -> bool:
    """A hidden post's original words and a post's earlier versions (which may hold words
    never shown): its author and the moderators, who review it; never a copy elsewhere."""
    return _is_author(user, post) or _may_moderate(user, post.thread.estate)


def _may_view_photos(user: Any, holder: Any) -> bool:
    """The photos attached to a post (an issue report) or an action-item update: whoever may
    read what they came with. A post's photos follow its moderation like its words: while it
    is held, hidden or deleted only its author and the moderators see them."""
    if not may_view(user, estate_of(holder), Visibility.MEMBERS):
        return False
    thread = getattr(holder, "thread", None)
    if thread is None:  # an action-item update: the estate's members read the item
        return True
    if thread.is_held and not _may_view_held_thread(user, thread):
        return False
    return holder.status == "published" or _may_read_withheld_post(user, holder)


def _may_quote_post(user: Any, post: Any) -> bool:
    """Quote a post's words on the forms about it (edit, report, appeal): a published post,
    or one's own whatever its state."""
    return post.status == "published" or _is_author(user, post)


def _may_list_post(user: Any, post: Any) -> bool:
    """Whether the thread page lists the post: a held post only for its author and the
    moderators; hidden and deleted ones for everyone, as tombstones."""
    return not post.is_held or _may_read_withheld_post(user, post)


def _may_report_post(user: Any, post: Any) -> bool:
    """Report someone else's post: whoever may write in the discussion area."""
    return not _is_author(user, post) and _may_deliberate(user, post.thread.estate)


def _may_block_author(user: Any, post: Any) -> bool:
    """Block a post's author from posting: a moderator, never against themselves."""
    return not _is_author(user, post) and _may_moderate(user, post.thread.estate)


def _may_mark_own_official(user: Any, post: Any) -> bool:
    """Mark one's own post as one's party's official answer (官方答复)."""
    return _is_author(user, post) and _may_answer_officially(user, post.thread.estate)


def _may_decide_appeal(user: Any, appeal: Any) -> bool:
    """Decide an appeal: another moderator than the one who hid the post, never its author."""
    return _may_moderate(user, appeal.post.thread.estate) and user.pk not in (
        appeal.hidden_by_id,
        appeal.author_id,
    )


def _may_speak_for(user: Any, target: PartyTarget) -> bool:
    """Act for the party over the estate (answer for it, report its progress, be its
    responsible person): its members there."""
    return target.party in parties_of(user, target.estate)


def _may_assign_issue(user: Any, thread: Any) -> bool:
    """Hand an issue report to another party: any party over the estate, or a moderator."""
    estate = thread.estate
    return bool(thread.is_issue) and (bool(parties_of(user, estate)) or _may_moderate(user, estate))


def _may_resolve_issue(user: Any, thread: Any) -> bool:
    """Report an issue solved: the responsible party, and nobody else."""
    return bool(thread.is_issue) and thread.responsible_party in parties_of(user, thread.estate)


def _may_act_as_reporter(user: Any, thread: Any) -> bool:
    """Confirm the fix, reopen, rate: the person who reported the issue."""
    return _is_author(user, thread)


def _may_view_meeting(user: Any, meeting: Any) -> bool:
    """Published minutes are for the estate's members; before that, participants and staff."""
    estate = meeting.estate
    if meeting.minutes_published:
        return may_view(user, estate, Visibility.MEMBERS)
    if _may_see_meetings_in_preparation(user, estate):
        return True
    return bool(is_authenticated(user) and meeting.participants.filter(user=user).exists())


def _may_run_meeting(user: Any, meeting: Any) -> bool:
    """Record the agenda, minutes and decisions of a joint meeting: whoever may convene one."""
    return _may_convene_meetings(user, meeting.estate)


def _may_report_progress(user: Any, item: Any) -> bool:
    """Post a progress update on an action item: its responsible person or party."""
    if not is_authenticated(user):
        return False
    if is_site_admin(user) or item.responsible_person_id == user.pk:
        return True
    return item.responsible_party in parties_of(user, item.estate)


def _may_adjust_item(user: Any, item: Any) -> bool:
    """Move an item's deadline or responsibility: whoever may hold its party to account.

    The same rule as opening the item (the committee and officials for any party, the
    property company for its own items), so nobody extends a deadline they could not set.
    """
    return _may_open_items_for(user, PartyTarget(item.estate, item.responsible_party))


def _may_view_consultation_results(user: Any, consultation: Any) -> bool:
    """A consultation's figures: live for the committee that runs it, for every reader after
    the close (the page's own visibility is checked where the page is served)."""
    estate = consultation.page_estate
    if estate is not None and _may_manage_consultation(user, estate):
        return True
    return bool(consultation.is_closed)


def _may_respond_to_consultation(user: Any, consultation: Any) -> bool:
    """Answer a consultation: a verified owner, or (when it asks residents too) any member
    who owns or lives in a unit of the estate."""
    estate = consultation.page_estate
    if estate is None or not is_authenticated(user):
        return False
    if is_verified_owner(user, estate):
        return True
    if consultation.asks_owners_only:
        return False
    return member_units(user, estate).exists()


def _may_confirm_paper_ballot(user: Any, ballot: Any) -> bool:
    """Confirm an entered paper ballot: another member of the committee than who entered it."""
    return _may_run_assembly(user, ballot.assembly.page_estate) and (
        ballot.entered_by_id != getattr(user, "pk", None)
    )


# --- owners' initiative: petitions and the roll check (voting.petitions, voting.objections) --


def _may_petition(user: Any, estate: Estate) -> bool:
    """Open or sign a petition for an extraordinary meeting: verified owners only.

    物业管理条例 Art. 13 gives the initiative to owners; tenants never count (SPC Art. 16).
    """
    return is_verified_owner(user, estate)


def _may_enter_paper_petitions(user: Any, estate: Estate) -> bool:
    """Enter owners' signed paper petitions with a scan, and record the meeting convened:
    the committee, as with paper ballots."""
    return _may_run_assembly(user, estate)


def _may_see_petition_signers(user: Any, estate: Estate) -> bool:
    """See signers' names in full: the committee that must act and the officials over it.

    Other owners see them masked (PIPL)."""
    return (
        is_site_admin(user)
        or has_any_kind(user, estate, frozenset(RoleKind.committee()))
        or is_official_for(user, estate)
    )


def _may_object_to_roll(user: Any, estate: Estate) -> bool:
    """File an objection to one's own entries on a published roll: verified owners only."""
    return is_verified_owner(user, estate)


def _may_decide_roll_objections(user: Any, estate: Estate) -> bool:
    """Decide objections to the roll, and override undecided ones: the committee."""
    return _may_run_assembly(user, estate)


def _may_withdraw_petition(user: Any, petition: Any) -> bool:
    """Withdraw a whole petition: its opener, while it is open (before the threshold)."""
    return bool(petition.is_open) and petition.opened_by_id == getattr(user, "pk", None)


def _may_moderate_petition(user: Any, petition: Any) -> bool:
    """Hide a petition's words, or show them again: the officials over the estate (社区居委会,
    街道) and site admins. Not the estate's moderators: a petition asks the committee to
    convene a meeting, often against its wishes, and the committee (a moderator here, and the
    appointer of moderators) must not be able to withhold the owners' words from them."""
    return is_site_admin(user) or is_official_for(user, petition.estate)


def _may_read_withheld_petition(user: Any, petition: Any) -> bool:
    """A hidden petition's title and texts: its initiator, the committee and moderators (its
    addressee must read what it is asked), and whoever may moderate petitions, marked; every
    other reader and every copy shows the placeholder (voting.petitions.visibility)."""
    return (
        petition.opened_by_id == getattr(user, "pk", None)
        or _may_moderate(user, petition.estate)
        or _may_moderate_petition(user, petition)
    )


def _may_see_objection_evidence(user: Any, objection: Any) -> bool:
    """An objection's evidence: the committee that decides it and the owner who filed it."""
    return _may_decide_roll_objections(user, objection.assembly.page_estate) or (
        objection.filed_by_id == getattr(user, "pk", None)
    )


def _may_read_withheld_opinion(user: Any, opinion: Any) -> bool:
    """A held or hidden consultation opinion's words: its author, the moderators who review
    it, and the committee that must still handle it, marked as withheld; every other reader
    and every copy shows the placeholder (consultations.visibility)."""
    estate = opinion.consultation.page_estate
    if estate is None:
        return is_site_admin(user)
    return (
        opinion.response.user_id == getattr(user, "pk", None)
        or _may_moderate(user, estate)
        or _may_manage_consultation(user, estate)
    )


def _may_read_withheld_answer(user: Any, answer: Any) -> bool:
    """A held or hidden text answer of a consultation's questionnaire: its author and the
    moderators who review it (the committee among them), marked as withheld; every other
    reader and every copy shows the placeholder (consultations.visibility)."""
    estate = answer.consultation.page_estate
    if estate is None:
        return is_site_admin(user)
    return answer.author_id == getattr(user, "pk", None) or _may_moderate(user, estate)


# --- owners' proposals and supports (proposals) -------------------------------------------


def _may_propose(user: Any, estate: Estate) -> bool:
    """Put forward an owners' proposal (业主提案): verified owners of the estate only."""
    return is_verified_owner(user, estate)


def _may_support_proposals(user: Any, estate: Estate) -> bool:
    """Support a proposal: verified owners, since supports count heads of owners."""
    return is_verified_owner(user, estate)


def _may_answer_proposals(user: Any, estate: Estate) -> bool:
    """Give the public answer to a proposal: the owners' committee or the property company."""
    return is_site_admin(user) or has_any_kind(user, estate, EDITOR_KINDS)


def _may_support_content(user: Any, estate: Estate) -> bool:
    """Support a discussion post or a consultation opinion: any member of the estate."""
    return _may_participate(user, estate)


def _may_support_item(user: Any, item: Any) -> bool:
    """Support a discussion post or a consultation opinion: never one's own. (Membership of
    the estate is the estate action `support_content`.)"""
    author_id = getattr(item, "author_id", None)
    if author_id is None and hasattr(item, "response"):
        author_id = item.response.user_id
    return author_id != getattr(user, "pk", None)


def _may_read_withheld_proposal(user: Any, proposal: Any) -> bool:
    """A hidden proposal's title and body: its author and the moderators, who review it;
    every other reader and every copy shows the placeholder (proposals.visibility)."""
    return _is_author(user, proposal) or _may_moderate(user, proposal.estate)


def _may_decide_proposal_review(user: Any, proposal: Any) -> bool:
    """Keep a proposal hidden after its author asked for review: another moderator than the
    one who hid it, never its author (as a post's appeal, _may_decide_appeal)."""
    return _may_moderate(user, proposal.estate) and user.pk not in (
        proposal.hidden_by_id,
        proposal.author_id,
    )


def _may_tend_adoption_copies(user: Any, proposal: Any) -> bool:
    """See, on a hidden adopted proposal's page, the documents made from it with links to
    edit them: the moderators (the committee among them) and the party that answered, who
    are told of the hiding (proposals.adoption). Other readers see the placeholder only."""
    if _may_moderate(user, proposal.estate):
        return True
    return bool(proposal.answering_party) and proposal.answering_party in parties_of(
        user, proposal.estate
    )


def _may_report_proposal(user: Any, proposal: Any) -> bool:
    """Report someone else's proposal: whoever may write in the discussion area, as posts."""
    return not _is_author(user, proposal) and _may_deliberate(user, proposal.estate)


# Actions asked of an estate (or of any object, through the estate it belongs to).
ACTIONS = {
    "view_members": lambda u, e: may_view(u, e, Visibility.MEMBERS),
    "view_owners": lambda u, e: may_view(u, e, Visibility.OWNERS),
    "edit_content": _may_edit_content,
    "view_register": _may_view_register,
    "manage_register": _may_manage_register,
    "decide_claims": _may_decide_claims,
    "assign_roles": _may_assign_roles,
    "moderate": _may_moderate,
    "participate": _may_participate,
    "vote": _may_vote,
    "run_assembly": _may_run_assembly,
    "view_dashboard": _may_view_dashboard,
    "view_audit": _may_view_audit,
    "invite_residents": _may_invite_residents,
    "observe_assembly": _may_observe_assembly,
    "convene_meetings": _may_convene_meetings,
    "create_action_items": _may_create_action_items,
    "manage_consultation": _may_manage_consultation,
    "answer_officially": _may_answer_officially,
    "deliberate": _may_deliberate,
    "see_meetings_in_preparation": _may_see_meetings_in_preparation,
    "petition": _may_petition,
    "enter_paper_petitions": _may_enter_paper_petitions,
    "see_petition_signers": _may_see_petition_signers,
    "object_to_roll": _may_object_to_roll,
    "decide_roll_objections": _may_decide_roll_objections,
    "propose": _may_propose,
    "support_proposals": _may_support_proposals,
    "answer_proposals": _may_answer_proposals,
    "support_content": _may_support_content,
    "enter_disclosures": _may_enter_disclosures,
    "review_disclosures": _may_review_disclosures,
    "see_disclosure_drafts": _may_see_disclosure_drafts,
}

# Actions asked of one object: the rule needs the object itself (its author, state, party).
OBJECT_ACTIONS = {
    "view_held_thread": _may_view_held_thread,
    "edit_post": _is_author,
    "delete_post": _is_author,
    "appeal_post": _is_author,
    "read_withheld_post": _may_read_withheld_post,
    "list_post": _may_list_post,
    "view_photos": _may_view_photos,
    "quote_post": _may_quote_post,
    "report_post": _may_report_post,
    "block_author": _may_block_author,
    "mark_own_official": _may_mark_own_official,
    "decide_appeal": _may_decide_appeal,
    "speak_for": _may_speak_for,
    "assign_issue": _may_assign_issue,
    "resolve_issue": _may_resolve_issue,
    "act_as_reporter": _may_act_as_reporter,
    "view_meeting": _may_view_meeting,
    "run_meeting": _may_run_meeting,
    "report_progress": _may_report_progress,
    "adjust_item": _may_adjust_item,
    "open_items_for": _may_open_items_for,
    "view_consultation_results": _may_view_consultation_results,
    "respond_to_consultation": _may_respond_to_consultation,
    "confirm_paper_ballot": _may_confirm_paper_ballot,
    "withdraw_petition": _may_withdraw_petition,
    "moderate_petition": _may_moderate_petition,
    "read_withheld_petition": _may_read_withheld_petition,
    "read_withheld_opinion": _may_read_withheld_opinion,
    "read_withheld_answer": _may_read_withheld_answer,
    "see_objection_evidence": _may_see_objection_evidence,
    "support_item": _may_support_item,
    "read_withheld_proposal": _may_read_withheld_proposal,
    "tend_adoption_copies": _may_tend_adoption_copies,
    "report_proposal": _may_report_proposal,
    "request_proposal_review": _is_author,
    "decide_proposal_review": _may_decide_proposal_review,
}


def estate_of(obj: Any) -> Estate | None:
    """Return the estate an object belongs to (None for district-wide things)."""
    if obj is None or isinstance(obj, Estate):
        return obj
    if isinstance(obj, PartyTarget):
        return obj.estate
    if hasattr(type(obj), "page_estate"):  # Wagtail pages of the estate's subtree
        return obj.page_estate
    if hasattr(obj, "thread_id") and not hasattr(obj, "estate_id"):  # posts
        return obj.thread.estate
    if hasattr(obj, "item_id") and not hasattr(obj, "estate_id"):  # action item updates
        return obj.item.estate
    if hasattr(obj, "assembly_id"):  # ballots, proxies, voting rights
        return obj.assembly.page_estate
    if hasattr(obj, "post_id") and not hasattr(obj, "estate_id"):  # reports, appeals
        return obj.post.thread.estate
    return getattr(obj, "estate", None)


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Return whether the user may perform the named action on the object (or in the estate).

    `obj` is an estate or anything that belongs to one (a thread, post, meeting, action
    item, consultation, assembly, ...). Object actions (OBJECT_ACTIONS) read the object
    itself; estate actions (ACTIONS) ask about the estate the object belongs to. Without an
    estate, estate actions are for the platform operator only.
    """
    object_rule = OBJECT_ACTIONS.get(action)
    if object_rule is not None:
        return obj is not None and bool(object_rule(user, obj))
    try:
        check = ACTIONS[action]
    except KeyError as exc:
        raise ValueError(f"Unknown action {action!r}") from exc
    estate = estate_of(obj)
    if estate is None:
        return is_site_admin(user)
    return bool(check(user, estate))


class LoginRequired(Exception):
    """Raised where an anonymous reader must sign in first (handled by middleware)."""


def require(user: Any, allowed: bool) -> None:
    """Refuse a request the user may not make: sign in first if anonymous, else 403.

    The one refusal for every permission-checked lookup: `require(request.user, may(...))`.
    """
    if allowed:
        return
    if not getattr(user, "is_authenticated", False):
        raise LoginRequired
    raise PermissionDenied


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
    "OBJECT_ACTIONS",
    "LoginRequired",
    "PartyTarget",
    "estate_of",
    "parties_of",
    "require",
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
    "read_roles",
    "roles_of",
    "standing_in",
    "staff_roles_suspended",
    "suspend_staff_roles",
]
