"""Can a proposal's words be shown? The one answer for every copy of its title and body.

A moderator may hide a proposal (title and body) with a reason, as a post is hidden
(proposals.moderation). A proposal is also held for review with its discussion: it opens
the discussion with a post that quotes it, and that post is screened like every other
(sensitive words, the estate's pre-moderation; the proposal's body is screened with it), so
while the opening is held the proposal is too, until a moderator approves the opening in
the discussion's queue (deliberation.visibility says the same of the thread's title).

While it is hidden or held, every copy follows at the moment it is read or sent: the list
and the page show a placeholder (the full text only to its author and the moderators,
`may(user, "read_withheld_proposal", proposal)`), the search index drops it, the to-do list
and the dashboard leave it out, it takes no support and no answer, notifications already
sent show the placeholder (proposals.notification_subjects), and links from agendas, action
items, consultations and motions show the placeholder instead of the title.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliberation.choices import ReportReason


def is_held(proposal: Any) -> bool:
    """Return whether the proposal waits for a moderator with its discussion's opening post."""
    return proposal.hidden_at is None and proposal.thread_id is not None and proposal.thread.is_held


def is_shown(proposal: Any) -> bool:
    """Return whether the proposal's title and body may be shown and copied anywhere."""
    return proposal.hidden_at is None and not is_held(proposal)


def shown_proposals(proposals: QuerySet) -> QuerySet:
    """Narrow a Proposal queryset to the proposals that may be shown (the same rule, in SQL)."""
    return proposals.filter(hidden_at__isnull=True).exclude(thread__is_held=True)


def withheld_line(proposal: Any) -> str:
    """Return the placeholder of a proposal not shown: hidden (and why), or held for review."""
    if is_shown(proposal):
        return ""
    if is_held(proposal):
        return _("该提案待版主审核")
    if proposal.hidden_reason:
        return _("该提案已被隐藏：%(reason)s") % {
            "reason": ReportReason(proposal.hidden_reason).label
        }
    return _("该提案已被隐藏")


def shown_title(proposal: Any) -> str:
    """Return the proposal's title, or a placeholder without its words while it is not shown."""
    if is_shown(proposal):
        return proposal.title
    if is_held(proposal):
        return _("（该提案待版主审核）")
    return _("（该提案已被隐藏）")


def refusal(proposal: Any, *, act: str) -> str:
    """Return why the proposal takes no `act` ("support" or "answer") while it is not shown."""
    if is_held(proposal):
        return _("该提案待版主审核，审核通过后才能支持或答复。")
    if act == "answer":
        return _("该提案已被版主隐藏，恢复显示后才能答复。")
    return _("该提案已被版主隐藏，暂不能支持。")
