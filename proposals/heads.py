"""Who counts as one head (人数) for proposals: the roll's own grouping, read from the register.

SPC interpretation Art. 9, as voting.roll.head_rows applies it: all units of one buyer are
one head, all the developer's units one head, co-owners of a flat one head for it. A proposal
counts heads against the register as it is now, exactly as the roll would be frozen now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.community.models import Estate, OwnerIdentity
from voting.choices import RightKind
from voting.roll import HeadRow, head_rows


@dataclass(frozen=True)
class Heads:
    """The estate's head count now, and the head a given user belongs to (or "")."""

    total: int
    head: str


def _key(row: HeadRow) -> str:
    if row.kind == RightKind.DEVELOPER:
        return "developer"
    if row.kind == RightKind.PERSON:
        return "identities:" + ",".join(str(pk) for pk in row.holder_ids)
    return "unit:" + ",".join(str(pk) for pk in row.unit_ids)


def heads_for(estate: Estate, user: Any = None) -> Heads:
    """Return all heads of the estate and the user's head (their first group in register order).

    An owner of several flats with different co-owners belongs to several groups; their one
    support counts once, for the first of them, so a click never counts as two heads.
    """
    rows = head_rows(estate)
    head = ""
    if user is not None and getattr(user, "is_authenticated", False):
        mine = set(
            OwnerIdentity.objects.filter(
                user=user, estate=estate, ownerships__ended_at__isnull=True
            ).values_list("pk", flat=True)
        )
        for row in rows:
            if mine.intersection(row.holder_ids):
                head = _key(row)
                break
    return Heads(total=len(rows), head=head)
