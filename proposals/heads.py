"""Who counts as one head (人数) for proposals: the roll's own grouping, read from the register.

SPC interpretation Art. 9, as voting.roll.group_units applies it: all units of one buyer are
one head, all the developer's units one head, co-owners of a flat one head for it. A proposal
counts heads against the register as it is now, exactly as the roll would be frozen now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.community.models import Estate, OwnerIdentity
from voting.choices import RightKind
from voting.roll import group_units


@dataclass(frozen=True)
class Heads:
    """The estate's head count now, and the head a given user belongs to (or "")."""

    total: int
    head: str


def _key(group: Any) -> str:
    if group.kind == RightKind.DEVELOPER:
        return "developer"
    if group.kind == RightKind.PERSON:
        return "identities:" + ",".join(str(i.pk) for i in group.holders)
    return "unit:" + ",".join(str(u.pk) for u in group.units)


def heads_for(estate: Estate, user: Any = None) -> Heads:
    """Return all heads of the estate and the user's head (their first group in register order).

    An owner of several flats with different co-owners belongs to several groups; their one
    support counts once, for the first of them, so a click never counts as two heads.
    """
    groups = group_units(estate)
    head = ""
    if user is not None and getattr(user, "is_authenticated", False):
        mine = set(
            OwnerIdentity.objects.filter(
                user=user, estate=estate, ownerships__ended_at__isnull=True
            ).values_list("pk", flat=True)
        )
        for group in groups:
            if any(holder is not None and holder.pk in mine for holder in group.holders):
                head = _key(group)
                break
    return Heads(total=len(groups), head=head)
