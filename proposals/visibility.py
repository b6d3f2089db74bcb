"""Can a proposal's words be shown? The one answer for every copy of its title and body.

A moderator may hide a proposal (title and body) with a reason, as a post is hidden
(proposals.moderation). While it is hidden, every copy follows at the moment it is read or
sent: the list and the page show a placeholder with the reason (the full text only to its
author and the moderators, `may(user, "read_withheld_proposal", proposal)`), the search
index drops it, the to-do list and the dashboard leave it out, notifications already sent
show the placeholder (proposals.notification_subjects), and links from agendas, action
items, consultations and motions show the placeholder instead of the title.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliberation.choices import ReportReason


def is_shown(proposal: Any) -> bool:
    """Return whether the proposal's title and body may be shown and copied anywhere."""
    return proposal.hidden_at is None


def shown_proposals(proposals: QuerySet) -> QuerySet:
    """Narrow a Proposal queryset to the proposals that may be shown (the same rule, in SQL)."""
    return proposals.filter(hidden_at__isnull=True)


def withheld_line(proposal: Any) -> str:
    """Return the placeholder of a hidden proposal: that it is hidden, and why."""
    if is_shown(proposal):
        return ""
    if proposal.hidden_reason:
        return _("该提案已被隐藏：%(reason)s") % {
            "reason": ReportReason(proposal.hidden_reason).label
        }
    return _("该提案已被隐藏")


def shown_title(proposal: Any) -> str:
    """Return the proposal's title, or a placeholder without its words while it is hidden."""
    if is_shown(proposal):
        return proposal.title
    return _("（该提案已被隐藏）")
