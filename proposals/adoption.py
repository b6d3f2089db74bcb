"""What an adopted proposal became (its copies), and what hiding it tells those who adopted it.

When the committee or the property company adopts a proposal (proposals.actions.answering),
the draft consultation, the motion or the action item made from it are their own documents,
and they answer for what they publish. So a moderator hiding the proposal afterwards (by hand
or by the report threshold, proposals.moderation) neither rewrites nor deletes them, even
while they are drafts (the committee may have edited them). Instead the hiding tells the
answering party and the committee which kinds of document exist (one notification each,
without the proposal's words), the hide audit record names them, and the proposal page lists
them with links to those who tend them (`may(user, "tend_adoption_copies", proposal)`).
The action item never copies the owner's body (its description is the answer), and shows
its source through proposals.visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.community.choices import Party
from portal.community.membership import party_user_ids
from portal.notifications.api import notify
from proposals.choices import Outcome, ProposalStatus
from proposals.models import Proposal
from voting.choices import AssemblyState

if TYPE_CHECKING:
    from portal.accounts.types import User


@dataclass(frozen=True)
class Copy:
    """One document made from an adopted proposal, as its editors reach it."""

    kind: str  # an Outcome value
    label: str  # 征求意见稿 / 表决事项 / 督办事项
    url: str
    state: str
    is_draft: bool


def _labels() -> dict[str, str]:
    return {
        Outcome.CONSULTATION: _("征求意见稿"),
        Outcome.MOTION: _("表决事项"),
        Outcome.ACTION_ITEM: _("督办事项"),
    }


def adoption_copies(proposal: Proposal) -> list[Copy]:
    """Return the documents made from the proposal when it was adopted (none otherwise)."""
    if proposal.status != ProposalStatus.ADOPTED:
        return []
    labels = _labels()
    copies = []
    consultation = proposal.consultation
    if consultation is not None:
        copies.append(
            Copy(
                kind=Outcome.CONSULTATION,
                label=labels[Outcome.CONSULTATION],
                url=reverse("wagtailadmin_pages:edit", args=[consultation.pk]),
                state=_("已发布") if consultation.live else _("草稿，尚未发布"),
                is_draft=not consultation.live,
            )
        )
    assembly = proposal.assembly
    if assembly is not None:
        draft = assembly.state == AssemblyState.DRAFT
        copies.append(
            Copy(
                kind=Outcome.MOTION,
                label=labels[Outcome.MOTION],
                url=reverse("wagtailadmin_pages:edit", args=[assembly.pk]),
                state=_("会议筹备中，表决事项尚可修改")
                if draft
                else str(AssemblyState(assembly.state).label),
                is_draft=draft,
            )
        )
    item = proposal.action_item
    if item is not None:
        copies.append(
            Copy(
                kind=Outcome.ACTION_ITEM,
                label=labels[Outcome.ACTION_ITEM],
                url=item.get_absolute_url(),
                state=str(item.status_label),
                is_draft=False,
            )
        )
    return copies


def item_titled_after_proposal(proposal: Proposal) -> bool:
    """Return whether the action item made from the proposal took its title (none was typed)."""
    item = proposal.action_item
    return item is not None and item.title == proposal.title.strip()[:120]


def adopter_ids(proposal: Proposal) -> list[int]:
    """Return the people of the answering party and of the committee, once each."""
    ids = set(party_user_ids(proposal.estate, Party.COMMITTEE))
    if proposal.answering_party:
        ids.update(party_user_ids(proposal.estate, proposal.answering_party))
    return sorted(ids)


def tell_adopters_of_hiding(proposal: Proposal, *, actor: User | None) -> list[str]:
    """Tell the answering party and the committee that an adopted proposal was hidden, and
    which kinds of document were made from it; return those kinds (for the hide audit).

    Nothing of the proposal's words is copied: it goes as the subject (the inbox shows its
    placeholder as it stands). One notice per hiding: a confirmed hiding keeps its moment,
    so the dedupe key (which names it) sends nothing twice.
    """
    copies = adoption_copies(proposal)
    if not copies:
        return []
    body = _("由该提案形成的文件不会随之修改或删除，请检查：%(kinds)s。") % {
        "kinds": "、".join(copy.label for copy in copies)
    }
    if item_titled_after_proposal(proposal):
        body += _("督办事项的名称沿用了提案标题。")
    notify(
        adopter_ids(proposal),
        category="deliberation",
        estate=proposal.estate,
        title=_("您采纳的一项业主提案已被版主隐藏"),
        body=body,
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposals:{proposal.pk}:adoption-hidden:{int(proposal.hidden_at.timestamp())}",
        actor=actor,
        subject=proposal,
    )
    return [copy.kind for copy in copies]
