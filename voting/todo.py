"""Votes waiting for the member, for the to-do list (portal.home.todo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.models import Estate
from portal.home.todo import Todo, estate_hub
from voting.choices import AssemblyState
from voting.lookups import rights_for_voter
from voting.models import AssemblyPage, Ballot


def open_votes(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Assemblies open for voting where a right the member may exercise has no ballot yet."""
    now = timezone.now()
    for estate in estates:
        if (hub := estate_hub(estate)) is None:
            continue
        assemblies = AssemblyPage.objects.live().filter(state=AssemblyState.OPEN).descendant_of(hub)
        for assembly in assemblies:
            if not assembly.is_voting_window(now):
                continue
            rights = {r.right.pk for r in rights_for_voter(user, assembly)}
            if not rights:
                continue
            voted = set(
                Ballot.objects.filter(assembly=assembly, right_id__in=rights).values_list(
                    "right_id", flat=True
                )
            )
            if rights - voted:
                yield Todo(
                    _("投票"), assembly.title, assembly.url, estate, assembly.voting_closes_at
                )
