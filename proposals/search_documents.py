"""Owners' proposals in the search index (see search.registry): title, text and the answer.

Members-only (officials over the estate included), like the discussion area they come from.
The answer is indexed with the proposal, so "快递柜 不采纳" finds the refusal and its reason.
A hidden proposal has no document (proposals.visibility): the moderation actions rewrite its
row in their own transaction (search.api.reindex_now), so it leaves the results when hidden
and comes back when restored.
"""

from __future__ import annotations

from deliberation.models import Thread
from portal.community.choices import Visibility
from proposals import visibility
from proposals.models import Proposal
from search.choices import DocumentKind
from search.registry import Document, depends_on, register
from themes.sanitiser import plain_text


def proposal_document(proposal: Proposal) -> Document | None:
    if not visibility.is_shown(proposal):
        return None
    parts = [plain_text(proposal.body), proposal.get_status_display()]
    if proposal.answer:
        parts.append(proposal.answer)
    return Document(
        kind=DocumentKind.PROPOSAL,
        title=proposal.title,
        body="\n".join(parts),
        url=proposal.get_absolute_url(),
        estate=proposal.estate,
        visibility=Visibility.MEMBERS,
        party=proposal.answering_party,
        date=proposal.created_at,
    )


register(Proposal, proposal_document)
# A proposal is held with its discussion's opening post: approving that post (a thread
# re-indexed by the discussion's own actions) brings the proposal back into the results.
depends_on(Thread, lambda thread: Proposal.objects.filter(thread=thread))
