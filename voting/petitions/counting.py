"""Count a petition's support against the register as it is now, by the roll's head rule."""

from __future__ import annotations

from portal.community.models import Estate, OwnerIdentity
from voting import petition_rules
from voting.petition_rules import Head, PetitionCheck
from voting.petitions.models import Petition, PetitionSignature
from voting.roll import head_rows


def register_heads(estate: Estate) -> list[Head]:
    """Return the estate's heads as the roll would group them now (SPC Art. 8, 9)."""
    return [
        Head(key=index, area=row.area, holders=frozenset(row.holder_ids))
        for index, row in enumerate(head_rows(estate))
    ]


def active_signatures(petition: Petition):
    """Return the signatures that count: not withdrawn."""
    return PetitionSignature.objects.filter(petition=petition, withdrawal__isnull=True)


def signer_ids(petition: Petition) -> set[int]:
    return set(active_signatures(petition).values_list("identity_id", flat=True))


def progress(petition: Petition, *, heads: list[Head] | None = None) -> PetitionCheck:
    """Return the petition's support and both tests, against the current register."""
    heads = register_heads(petition.estate) if heads is None else heads
    return petition_rules.evaluate(
        heads,
        signer_ids(petition),
        area_share=petition.area_share,
        heads_share=petition.heads_share,
    )


def identity_of(user, estate: Estate) -> OwnerIdentity | None:
    """Return the user's register identity in the estate, if it currently owns a unit."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        OwnerIdentity.objects.filter(estate=estate, user=user, ownerships__ended_at__isnull=True)
        .distinct()
        .first()
    )
