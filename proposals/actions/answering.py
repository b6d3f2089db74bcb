"""Answering a proposal: 采纳 into a consultation, a motion or an action item; 不采纳 with a
reason; 转交 to a party. Each refused before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import ConsultationIndexPage, ConsultationPage, ConsultationSection
from deliberation.oversight.actions import create_action_item
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.membership import party_user_ids
from portal.community.models import Estate
from proposals import visibility
from proposals.actions.common import (
    ANSWER_MAX,
    ANSWERING_PARTIES,
    REFERRABLE,
    notify_about_proposal,
    supporter_ids,
)
from proposals.choices import AnswerKind, Outcome, ProposalStatus
from proposals.models import Proposal
from themes.sanitiser import plain_text
from voting.choices import AssemblyState, Matter
from voting.models import Motion


@dataclass(frozen=True)
class Answer:
    """What the committee or property company answers; the fields the kind needs."""

    kind: str
    text: str = ""
    party: str = ""
    referred_party: str = ""
    outcome: str = ""
    assembly: Any = None
    motion_title: str = ""
    motion_matter: str = ""
    action_item_title: str = ""
    action_item_party: str = ""
    action_item_due: date | None = None


def _answering_party(actor: Any, estate: Estate, wanted: str) -> str:
    parties = permissions.parties_of(actor, estate) & set(ANSWERING_PARTIES)
    if wanted:
        if wanted not in ANSWERING_PARTIES:
            raise ValidationError({"party": _("请选择以业委会或物业的名义答复。")})
        if wanted not in parties and not permissions.is_site_admin(actor):
            raise ValidationError({"party": _("您不能以该责任方的名义答复。")})
        return wanted
    if len(parties) == 1:
        return next(iter(parties))
    if not parties and permissions.is_site_admin(actor):
        return Party.COMMITTEE
    raise ValidationError({"party": _("请选择以业委会或物业的名义答复。")})


@transaction.atomic
def answer_proposal(
    proposal: Proposal, actor: Any, answer: Answer, *, now: datetime | None = None
) -> Proposal:
    """Give the public answer: adopt (into a consultation, motion or action item), reject
    with a reason, or refer to another party. Once only, and only after the threshold."""
    if not permissions.may(actor, "answer_proposals", proposal.estate):
        raise PermissionDenied(_("只有业委会或物业可以答复业主提案。"))
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.is_answered:
        raise ValidationError(_("该提案已经答复过了。"))
    if not visibility.is_shown(proposal):
        # A public answer to words the owners cannot read answers nothing; the deadline keeps
        # running, so the moderators restore or keep it hidden before it is answered.
        raise ValidationError(visibility.refusal(proposal, act="answer"))
    if proposal.status != ProposalStatus.AWAITING_ANSWER:
        raise ValidationError(_("提案尚未达到支持门槛，暂不需要答复。"))
    errors: dict[str, str] = {}
    text = (answer.text or "").strip()
    if len(text) > ANSWER_MAX:
        errors["text"] = _("答复最多 %(n)s 字。") % {"n": ANSWER_MAX}
    if answer.kind not in AnswerKind.values:
        errors["kind"] = _("请选择答复：采纳、不采纳或转交。")
    elif answer.kind == AnswerKind.REJECT and not text:
        errors["text"] = _("不采纳时必须写明理由。")
    elif answer.kind == AnswerKind.REFER and answer.referred_party not in REFERRABLE:
        errors["referred_party"] = _("请选择转交给哪一方。")
    elif answer.kind == AnswerKind.ADOPT:
        errors.update(_check_outcome(proposal, actor, answer, now=now))
    try:
        party = _answering_party(actor, proposal.estate, answer.party)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors and answer.kind == AnswerKind.REFER and answer.referred_party == party:
        errors["referred_party"] = _("不能转交给答复方自己。")
    if errors:
        raise ValidationError(errors)

    proposal.status = answer.kind
    proposal.answered_at = now
    proposal.answered_by = actor
    proposal.answering_party = party
    proposal.answer = text
    fields = ["status", "answered_at", "answered_by", "answering_party", "answer"]
    if answer.kind == AnswerKind.REFER:
        proposal.referred_party = answer.referred_party
        fields.append("referred_party")
    if answer.kind == AnswerKind.ADOPT:
        proposal.outcome = answer.outcome
        fields.append("outcome")
        fields += _make_outcome(proposal, actor, answer, now=now)
    proposal.save(update_fields=fields)
    audit.record(
        "proposals.answered",
        actor=actor,
        obj=proposal,
        estate=proposal.estate,
        kind=answer.kind,
        party=party,
        referred_party=proposal.referred_party,
        outcome=proposal.outcome,
        in_time=proposal.answered_in_time(),
    )
    notify_about_proposal(
        [proposal.author_id, *supporter_ids(proposal)],
        estate=proposal.estate,
        title=_("您支持的业主提案已获答复：%(kind)s") % {"kind": AnswerKind(answer.kind).label},
        url=proposal.get_absolute_url(),
        subject=proposal,
        key=f"proposals:{proposal.pk}:answered",
        actor=actor,
    )
    if answer.kind == AnswerKind.REFER:
        notify_about_proposal(
            party_user_ids(proposal.estate, answer.referred_party),
            estate=proposal.estate,
            title=_("一项业主提案转交给您处理"),
            url=proposal.get_absolute_url(),
            subject=proposal,
            key=f"proposals:{proposal.pk}:referred",
            actor=actor,
        )
    return proposal


def _check_outcome(proposal: Proposal, actor: Any, answer: Answer, *, now) -> dict[str, str]:
    if answer.outcome not in Outcome.values:
        return {"outcome": _("采纳时请选择：转为征求意见、列入业主大会表决事项或设立督办事项。")}
    if answer.outcome == Outcome.CONSULTATION:
        if not permissions.may(actor, "manage_consultation", proposal.estate):
            return {"outcome": _("只有业委会可以发起征求意见。")}
        if _consultation_index(proposal.estate) is None:
            return {"outcome": _("本小区还没有征求意见栏目。")}
    if answer.outcome == Outcome.MOTION:
        if not permissions.may(actor, "run_assembly", proposal.estate):
            return {"outcome": _("只有业委会可以把提案列入业主大会表决事项。")}
        assembly = answer.assembly
        if assembly is None or assembly.page_estate != proposal.estate:
            return {"assembly": _("请选择本小区的一次业主大会会议。")}
        if assembly.state != AssemblyState.DRAFT:
            return {"assembly": _("该次会议的表决事项已经公告，不能再增加。")}
        if not (answer.motion_title or "").strip():
            return {"motion_title": _("请填写表决事项。")}

        if answer.motion_matter not in Matter.values:
            return {"motion_matter": _("请选择表决事项的类别（民法典第二百七十八条）。")}
    if answer.outcome == Outcome.ACTION_ITEM:
        if answer.action_item_due is None:
            return {"action_item_due": _("请填写完成期限。")}
        if answer.action_item_party not in Party.values:
            return {"action_item_party": _("请选择责任方。")}
    return {}


def _consultation_index(estate: Estate):
    page = getattr(estate, "page", None)
    if page is None:
        return None
    return ConsultationIndexPage.objects.descendant_of(page).first()


def _make_outcome(proposal: Proposal, actor: Any, answer: Answer, *, now) -> list[str]:
    """Create what the adopted proposal becomes and link it; return the fields set."""
    if answer.outcome == Outcome.CONSULTATION:
        proposal.consultation = _draft_consultation(proposal, now=now)
        return ["consultation"]
    if answer.outcome == Outcome.MOTION:
        proposal.assembly = answer.assembly
        proposal.motion_title = answer.motion_title.strip()[:200]
        _add_motion(proposal, actor, answer)
        return ["assembly", "motion_title"]

    # The item is the answering party's own document: its words are their answer, never the
    # owner's body, so hiding the proposal later leaves nothing of it there (proposals.adoption).
    # The title falls back to the proposal's only when the answerer typed none; hiding warns.
    proposal.action_item = create_action_item(
        proposal.estate,
        actor=actor,
        title=(answer.action_item_title or "").strip() or proposal.title,
        responsible_party=answer.action_item_party,
        due_date=answer.action_item_due,
        description=proposal.answer[:2000],
        source=proposal,
        now=now,
    )
    return ["action_item"]


def _add_motion(proposal: Proposal, actor: Any, answer: Answer) -> None:
    """Add the motion to the draft meeting's latest revision, for the committee to publish.

    The meeting is still a draft (its motions are not frozen); the motion goes into a new
    revision rather than the live page, so the committee sees it among its motions in the
    admin and publishes it with the rest.
    """
    draft = answer.assembly.get_latest_revision_as_object()
    draft.motions.add(
        Motion(
            title=proposal.motion_title,
            text=_("源自业主提案《%(title)s》：%(text)s")
            % {"title": proposal.title, "text": plain_text(proposal.body)[:1500]},
            matter=answer.motion_matter,
            sort_order=len(draft.motions.all()),
        )
    )
    draft.save_revision(user=actor)


def _draft_consultation(proposal: Proposal, *, now):
    """Create a draft consultation from the proposal, for the committee to complete and publish."""
    index = _consultation_index(proposal.estate)
    page = ConsultationPage(
        title=proposal.title,
        slug=f"proposal-{proposal.pk}",
        purpose=_("本征求意见源自业主提案《%(title)s》，该提案已达到支持门槛并被采纳。")
        % {"title": proposal.title},
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=15),
        live=False,
    )
    page.sections.add(ConsultationSection(heading=_("提案内容"), body=proposal.body, sort_order=0))
    index.add_child(instance=page)
    page.save_revision()
    return page
