"""Proposals as notification subjects (see portal.notifications.subjects).

What a notification shows of a proposal is asked of proposals.visibility each time it is
shown in the inbox or sent by email, digest or SMS: its title while it is shown, the
placeholder with the reason while it is hidden, never its words copied when it was sent.
Proposals are members-only: each text names its estate (portal.notifications.subjects).
"""

from __future__ import annotations

from portal.notifications.subjects import SubjectText, register
from proposals import visibility
from proposals.models import Proposal


def describe_proposals(ids: list[int]) -> dict[int, SubjectText]:
    """Return each proposal's title, or its placeholder while it is hidden, as it stands."""
    texts = {}
    for proposal in (
        Proposal.objects.filter(pk__in=ids)
        .select_related("thread")  # a held discussion holds its proposal
        .only("pk", "estate_id", "title", "hidden_at", "hidden_reason", "thread__is_held")
    ):
        if visibility.is_shown(proposal):
            texts[proposal.pk] = SubjectText(
                shown=True, heading=proposal.title, estate_id=proposal.estate_id
            )
        else:
            texts[proposal.pk] = SubjectText(
                shown=False,
                withheld=visibility.withheld_line(proposal),
                estate_id=proposal.estate_id,
            )
    return texts


register(Proposal, describe_proposals)
