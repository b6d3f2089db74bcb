"""Every state change of owners' proposals and of supports has its one entry point here.

Each function checks the actor's right through portal.community.permissions, runs in one
transaction, and writes its audit record and notifications inside. Refusals raise
PermissionDenied (a right is missing) or ValidationError (the input or the moment is
wrong), always with a Chinese message, and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from consultations.models import ConsultationIndexPage, ConsultationPage, ConsultationSection
from deliberation import actions as deliberation
from deliberation import visibility
from deliberation.choices import ThreadKind
from deliberation.oversight.actions import create_action_item
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.membership import party_user_ids
from portal.community.models import Estate
from portal.notifications.api import notify
from proposals import rules
from proposals.choices import AnswerKind, Outcome, ProposalStatus, SupportTarget
from proposals.heads import heads_for
from proposals.models import Proposal, ProposalSettings, Support
from themes.sanitiser import clean_html, plain_text
from voting.choices import AssemblyState, Matter
from voting.models import Motion

TITLE_MAX = Proposal._meta.get_field("title").max_length
BODY_MAX = 5_000
ANSWER_MAX = 3_000
# Who may be handed a proposal (转交): any party but the one answering.
REFERRABLE = (Party.PROPERTY, Party.COMMITTEE, Party.COMMUNITY, Party.SUBDISTRICT)
ANSWERING_PARTIES = (Party.COMMITTEE, Party.PROPERTY)


def _notify(recipients, *, estate: Estate, title: str, body: str = "", url: str, key: str, actor):
    """Tell people about a proposal through the one notification path, in the portal's words."""
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


# --- proposing ------------------------------------------------------------------------------


def check_may_propose(estate: Estate, user: Any) -> None:
    if not permissions.may(user, "propose", estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以提出业主提案。"))


@transaction.atomic
def submit_proposal(
    estate: Estate, user: Any, *, title: str, body: str, now: datetime | None = None
) -> Proposal:
    """Put forward a proposal: it opens its discussion thread and counts the author's support."""
    check_may_propose(estate, user)
    now = now or timezone.now()
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写提案标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题最多 %(n)s 字。") % {"n": TITLE_MAX}
    body_html = ""
    if len(body or "") > BODY_MAX:
        errors["body"] = _("提案内容最多 %(n)s 字。") % {"n": BODY_MAX}
    else:
        body_html = clean_html(body or "")
        if not plain_text(body_html):
            errors["body"] = _("请写明提案内容：要做什么、为什么。")
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(
        estate=estate, author=user, title=title, body=body_html, created_at=now
    )
    thread = deliberation.start_thread(
        estate,
        user,
        kind=ThreadKind.TOPIC,
        title=(_("提案讨论：%(title)s") % {"title": title})[:120],
        body=format_html(
            '<p>{} <a href="{}">{}</a></p>',
            _("关于业主提案《%(title)s》的讨论。") % {"title": title},
            proposal.get_absolute_url(),
            _("查看提案全文"),
        ),
        now=now,
    )
    proposal.thread = thread
    proposal.save(update_fields=["thread"])
    audit.record("proposals.submitted", actor=user, obj=proposal, estate=estate)
    _support_proposal(proposal, user, now=now)
    return proposal


# --- supports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportResult:
    support: Support
    total: int
    reached_now: bool = False


def support(target: str, obj: Any, user: Any, *, now: datetime | None = None) -> SupportResult:
    """Support a proposal, a discussion post or a consultation opinion (one click, once)."""
    if target == SupportTarget.PROPOSAL:
        return support_proposal(obj, user, now=now)
    if target in (SupportTarget.POST, SupportTarget.OPINION):
        return support_content(target, obj, user, now=now)
    raise ValidationError(_("无法支持该内容。"))


@transaction.atomic
def support_proposal(
    proposal: Proposal, user: Any, *, now: datetime | None = None
) -> SupportResult:
    """Add one head's support; at the threshold, start the answer deadline and tell the parties."""
    if not permissions.may(user, "support_proposals", proposal.estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以支持提案（每户计一人）。"))
    return _support_proposal(proposal, user, now=now or timezone.now())


def _support_proposal(
    proposal: Proposal, user: Any, *, now: datetime | None = None
) -> SupportResult:
    now = now or timezone.now()
    # The row lock serialises supports of one proposal, so the threshold is crossed once.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.is_answered:
        raise ValidationError(_("该提案已经答复，不再征集支持。"))
    heads = heads_for(proposal.estate, user)
    if not heads.head:
        raise PermissionDenied(_("业主名册中没有找到您的房屋，无法计入支持人数。"))
    if Support.objects.filter(
        target=SupportTarget.PROPOSAL, object_id=proposal.pk, user=user
    ).exists():
        raise ValidationError(_("您已经支持过这个提案了。"))
    if Support.objects.filter(
        target=SupportTarget.PROPOSAL, object_id=proposal.pk, head=heads.head
    ).exists():
        raise ValidationError(
            _("与您同属一户（同一业主人数）的共有人已经支持过这个提案，每户只计一次。")
        )
    try:
        with transaction.atomic():
            row = Support.objects.create(
                target=SupportTarget.PROPOSAL,
                object_id=proposal.pk,
                estate=proposal.estate,
                user=user,
                head=heads.head,
                created_at=now,
            )
    except IntegrityError as exc:  # a concurrent click of the same head
        raise ValidationError(_("您已经支持过这个提案了。")) from exc
    total = Support.objects.filter(target=SupportTarget.PROPOSAL, object_id=proposal.pk).count()
    reached_now = False
    if proposal.status == ProposalStatus.COLLECTING:
        config = ProposalSettings.for_estate(proposal.estate)
        share = rules.share_of(config.threshold_percent)
        if rules.threshold_met(min(total, heads.total), heads.total, share):
            _reach_threshold(proposal, heads.total, share, config.answer_days, now=now, actor=user)
            reached_now = True
    audit.record(
        "proposals.supported", actor=user, obj=proposal, estate=proposal.estate, supports=total
    )
    return SupportResult(row, total, reached_now)


def _reach_threshold(proposal, total_heads, share, answer_days, *, now, actor) -> None:
    proposal.status = ProposalStatus.AWAITING_ANSWER
    proposal.reached_at = now
    proposal.heads_at_threshold = total_heads
    proposal.needed_at_threshold = rules.supports_needed(total_heads, share)
    proposal.answer_due_at = rules.answer_due(now, answer_days)
    proposal.save(
        update_fields=[
            "status",
            "reached_at",
            "heads_at_threshold",
            "needed_at_threshold",
            "answer_due_at",
        ]
    )
    audit.record(
        "proposals.threshold_reached",
        actor=actor,
        obj=proposal,
        estate=proposal.estate,
        heads=total_heads,
        needed=proposal.needed_at_threshold,
        due=proposal.answer_due_at.isoformat(),
    )
    due = timezone.localtime(proposal.answer_due_at).strftime("%Y-%m-%d %H:%M")
    _notify(
        answering_user_ids(proposal.estate),
        estate=proposal.estate,
        title=_("一项业主提案达到支持门槛，请按时公开答复"),
        body=_("请在 %(due)s 前答复：采纳、不采纳（附理由）或转交。") % {"due": due},
        url=proposal.get_absolute_url(),
        key=f"proposals:{proposal.pk}:reached",
        actor=actor,
    )
    _notify(
        [proposal.author_id],
        estate=proposal.estate,
        title=_("您的提案达到了支持门槛"),
        body=_("业委会或物业应在 %(due)s 前公开答复。") % {"due": due},
        url=proposal.get_absolute_url(),
        key=f"proposals:{proposal.pk}:reached:author",
        actor=actor,
    )


def _content_estate(target: str, obj: Any) -> Estate:
    if target == SupportTarget.POST:
        return obj.thread.estate
    return obj.consultation.page_estate


@transaction.atomic
def support_content(
    target: str, obj: Any, user: Any, *, now: datetime | None = None
) -> SupportResult:
    """Support a discussion post or a consultation opinion: one per member, never one's own."""
    estate = _content_estate(target, obj)
    if not permissions.may(user, "support_content", estate):
        raise PermissionDenied(_("只有本小区成员可以支持。"))
    if target == SupportTarget.POST and not visibility.is_shown(obj):
        raise ValidationError(_("该发言目前不显示，无法支持。"))
    if not permissions.may(user, "support_item", obj):
        raise ValidationError(_("不能支持自己的内容。"))
    head = f"user:{user.pk}"
    if Support.objects.filter(target=target, object_id=obj.pk, head=head).exists():
        raise ValidationError(_("您已经支持过了。"))
    try:
        with transaction.atomic():
            row = Support.objects.create(
                target=target,
                object_id=obj.pk,
                estate=estate,
                user=user,
                head=head,
                created_at=now or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已经支持过了。")) from exc
    total = Support.objects.filter(target=target, object_id=obj.pk).count()
    return SupportResult(row, total)


# --- answering ------------------------------------------------------------------------------


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
    _notify(
        [proposal.author_id, *supporter_ids(proposal)],
        estate=proposal.estate,
        title=_("您支持的业主提案已获答复：%(kind)s") % {"kind": AnswerKind(answer.kind).label},
        url=proposal.get_absolute_url(),
        key=f"proposals:{proposal.pk}:answered",
        actor=actor,
    )
    if answer.kind == AnswerKind.REFER:
        _notify(
            party_user_ids(proposal.estate, answer.referred_party),
            estate=proposal.estate,
            title=_("一项业主提案转交给您处理"),
            url=proposal.get_absolute_url(),
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

    proposal.action_item = create_action_item(
        proposal.estate,
        actor=actor,
        title=(answer.action_item_title or proposal.title).strip(),
        responsible_party=answer.action_item_party,
        due_date=answer.action_item_due,
        description=plain_text(proposal.body)[:2000],
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


# --- deadlines ------------------------------------------------------------------------------


def overdue(now: datetime | None = None):
    """Return the proposals whose answer is past due and still missing."""
    now = now or timezone.now()
    return Proposal.objects.unanswered().filter(answer_due_at__lt=now)


def remind_overdue(*, now: datetime | None = None) -> int:
    """Tell the parties once about each overdue answer (run daily by django-q2)."""
    count = 0
    for proposal in overdue(now).select_related("estate"):
        _notify(
            answering_user_ids(proposal.estate),
            estate=proposal.estate,
            title=_("业主提案答复已逾期"),
            body=_("请尽快公开答复：采纳、不采纳（附理由）或转交。"),
            url=proposal.get_absolute_url(),
            key=f"proposals:{proposal.pk}:overdue",
            actor=None,
        )
        count += 1
    return count
