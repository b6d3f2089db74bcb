"""What the proposal acts share: limits, who answers, who supports, the notification."""

from __future__ import annotations

from portal.community.choices import Party
from portal.community.membership import party_user_ids
from portal.community.models import Estate
from portal.notifications.api import notify
from proposals.choices import SupportTarget
from proposals.models import Proposal, Support

TITLE_MAX = Proposal._meta.get_field("title").max_length
BODY_MAX = 5_000
ANSWER_MAX = 3_000
# Who may be handed a proposal (转交): any party but the one answering.
REFERRABLE = (Party.PROPERTY, Party.COMMITTEE, Party.COMMUNITY, Party.SUBDISTRICT)
ANSWERING_PARTIES = (Party.COMMITTEE, Party.PROPERTY)


def notify_about_proposal(
    recipients,
    *,
    estate: Estate,
    title: str,
    body: str = "",
    url: str,
    key: str,
    actor,
    subject: Proposal | None = None,
):
    """Tell people about a proposal through the one notification path, in the portal's words.

    The proposal goes as the `subject`, never its words: the inbox, email, digest and SMS
    show its title (or the placeholder while it is hidden) as it stands when read.
    """
    recipients = sorted(set(recipients))
    if not recipients:
        return None
    return notify(
        recipients,
        category="deliberation",
        title=title,
        body=body,
        url=url,
        estate=estate,
        dedupe_key=key,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
    )


def answering_user_ids(estate: Estate) -> list[int]:
    """Return the people of the committee and the property company over the estate."""
    return [uid for party in ANSWERING_PARTIES for uid in party_user_ids(estate, party)]


def supporter_ids(proposal: Proposal) -> list[int]:
    return list(
        Support.objects.filter(target=SupportTarget.PROPOSAL, object_id=proposal.pk).values_list(
            "user_id", flat=True
        )
    )
