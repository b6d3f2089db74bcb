"""Permission-checked lookups for the voting views: no view fetches an assembly bare."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from portal.community import permissions
from portal.community.models import OwnerIdentity
from portal.home.visibility import may_view_page
from voting.actions.voters import VoterRight
from voting.choices import AssemblyState, Channel, ProxyStatus
from voting.models import AssemblyPage, AssemblyResult, Ballot, Proxy, VotingRight, VotingRightUnit


def get_assembly(request, page_id: int) -> AssemblyPage:
    """Return the live assembly if the reader may open its page; 403 (or login) otherwise."""
    assembly = get_object_or_404(AssemblyPage.objects.live(), pk=page_id)
    permissions.require(request.user, may_view_page(request.user, assembly))
    request.current_estate = assembly.page_estate
    return assembly


def get_assembly_for_runner(request, page_id: int) -> AssemblyPage:
    """Return the assembly if the user runs assemblies in its estate (the committee)."""
    assembly = get_object_or_404(AssemblyPage, pk=page_id)
    permissions.require(request.user, permissions.may(request.user, "run_assembly", assembly))
    request.current_estate = assembly.page_estate
    return assembly


def rights_for_voter(user: Any, assembly: AssemblyPage) -> list[VoterRight]:
    """Return the rights on the frozen roll that this user may vote for, own ones first.

    One statement: the roll's holder links whose identity is the user's own or an owner's
    who authorised them by an approved proxy (the earliest approved, as check_voter picks).
    """
    if not permissions.is_authenticated(user) or not assembly.pk:
        return []
    may_vote_own = permissions.may(user, "vote", assembly)
    approved = Proxy.objects.filter(
        assembly=assembly, agent=user, status=ProxyStatus.APPROVED
    ).order_by()
    own_identities = OwnerIdentity.objects.filter(user=user).order_by().values("pk")
    identities = approved.values("identity_id")
    if may_vote_own:
        identities = own_identities.union(identities, all=True)
    links = (
        VotingRight.holders.through.objects.filter(
            votingright__assembly=assembly, owneridentity__in=identities
        )
        .annotate(
            own=Exists(own_identities.filter(pk=OuterRef("owneridentity_id"))),
            proxy_pk=Subquery(
                approved.filter(identity=OuterRef("owneridentity_id"))
                .order_by("decided_at", "pk")
                .values("pk")[:1]
            ),
        )
        .select_related("votingright")
        .order_by("votingright_id")
    )
    own: dict[int, VoterRight] = {}
    by_proxy: dict[int, VoterRight] = {}
    for link in links:
        right = link.votingright
        if may_vote_own and link.own:
            own.setdefault(right.pk, VoterRight(right, Channel.ONLINE, user.pk))
        elif link.proxy_pk is not None:
            # The approved authorisation as this statement read it: its key fields suffice
            # for the cast, which records which proxy was used.
            proxy = Proxy(
                pk=link.proxy_pk,
                assembly_id=assembly.pk,
                identity_id=link.owneridentity_id,
                agent_id=user.pk,
                status=ProxyStatus.APPROVED,
            )
            by_proxy.setdefault(right.pk, VoterRight(right, Channel.PROXY, user.pk, proxy))
    proxied = [voter_right for pk, voter_right in by_proxy.items() if pk not in own]
    return [*own.values(), *proxied]


def get_voter_right(
    request, assembly: AssemblyPage, key: str | None, *, rights: list[VoterRight] | None = None
) -> VoterRight:
    """Return the chosen right of the voter (by pseudonym), or their first; 403 if none.

    `rights` is rights_for_voter's answer if the caller has it already.
    """
    if rights is None:
        rights = rights_for_voter(request.user, assembly)
    permissions.require(request.user, bool(rights))
    if not key:
        return rights[0]
    for voter_right in rights:
        if voter_right.key == key:
            return voter_right
    raise Http404


def get_paper_right(assembly: AssemblyPage, building: str, unit_number: str) -> VotingRight:
    """Return the right that holds a unit on the frozen roll, or refuse in Chinese."""
    found = (
        VotingRightUnit.objects.filter(
            assembly=assembly,
            building_name=building.strip(),
            unit_number=unit_number.strip(),
        )
        .select_related("right")
        .first()
    )
    if found is None:
        raise ValidationError(_("该房屋不在本次会议的选民名册上，不能录入书面选票。"))
    return found.right


def ballots_cast_by(user: Any):
    """Return every ballot this user cast (online, or as an agent): the ones whose receipts
    they were given. The personal-data copy reads this; the receipt page adds ballots cast
    for the user's own right (ballots_for_receipts)."""
    return (
        Ballot.objects.filter(cast_by=user).select_related("right", "ledger_entry").order_by("id")
    )


def ballots_for_receipts(user: Any, assembly: AssemblyPage):
    """Return the ballots whose receipts this user may see: cast by them, or for their right.

    A ballot for an owner's right that someone else cast (a paper ballot the committee
    entered, an agent's proxy ballot, or one that should not exist) shows here too, so the
    owner can check it on the ledger.
    """
    if not permissions.is_authenticated(user):
        return Ballot.objects.none()
    own_rights = VotingRight.objects.filter(assembly=assembly, holders__user=user)
    return (
        Ballot.objects.filter(assembly=assembly)
        .filter(Q(cast_by=user) | Q(right__in=own_rights))
        .distinct()
        .select_related("right", "ledger_entry")
        .order_by("id")
    )


# --- results and turnout ----------------------------------------------------------------------


def get_assembly_for_observer(request, page_id: int) -> AssemblyPage:
    """Return the assembly if the user follows it for the estate: committee, officials."""
    assembly = get_object_or_404(AssemblyPage, pk=page_id)
    permissions.require(request.user, permissions.may(request.user, "observe_assembly", assembly))
    request.current_estate = assembly.page_estate
    return assembly


def get_assembly_for_results(request, page_id: int) -> AssemblyPage:
    """Return the closed assembly if the reader may see its results; 403 otherwise.

    Nobody sees choice counts before the close. After it, the committee and officials
    (observe_assembly) may see the tally at once; everyone who may open the assembly page
    sees the result once the committee has certified it.
    """
    assembly = get_object_or_404(AssemblyPage.objects.live(), pk=page_id)
    estate = assembly.page_estate
    request.current_estate = estate
    if assembly.state != AssemblyState.CLOSED:
        permissions.require(request.user, False)
    if permissions.may(request.user, "observe_assembly", estate):
        return assembly
    certified = AssemblyResult.objects.filter(assembly=assembly).exists()
    permissions.require(request.user, certified and may_view_page(request.user, assembly))
    return assembly
