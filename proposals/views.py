"""Pages of owners' proposals: the list, a new proposal, one proposal with its support button
and answer form, its moderation (hide, restore, report, ask for review), and the one-click
support of posts and consultation opinions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import Opinion, ResponseReport
from deliberation import visibility as post_visibility
from deliberation.choices import ReportStatus
from deliberation.models import Post
from portal.community import permissions
from portal.community.lookups import get_estate, get_estate_for_member
from portal.home.visibility import may_view_live_page
from portal.views import local_path, run_action
from proposals import actions, adoption, rules, visibility
from proposals.choices import ProposalStatus, SupportTarget
from proposals.forms import AnswerForm, HideForm, ProposalForm, ReportForm, ReviewForm
from proposals.heads import heads_for
from proposals.lookups import get_proposal
from proposals.models import Proposal, ProposalReport, ProposalSettings, Support
from voting.choices import AssemblyState
from voting.models import AssemblyPage


def _progress(proposal: Proposal, total_heads: int, share) -> rules.Progress:
    """Return the proposal's progress: live while collecting, as fixed at the threshold after."""
    if proposal.heads_at_threshold is not None:
        return rules.Progress(
            proposal.support_total, proposal.needed_at_threshold, proposal.heads_at_threshold
        )
    return rules.progress(min(proposal.support_total, total_heads), total_heads, share)


def proposal_list(request, estate_slug: str):
    estate = get_estate_for_member(request, estate_slug)
    proposals = list(
        Proposal.objects.filter(estate=estate)
        .with_support_counts()
        .select_related("author", "thread")  # a held discussion holds its proposal
        .order_by("-created_at", "-pk")[:200]
    )
    config = ProposalSettings.for_estate(estate)
    share = rules.share_of(config.threshold_percent)
    total = heads_for(estate).total
    now = timezone.now()
    for proposal in proposals:
        proposal.progress = _progress(proposal, total, share)
        proposal.overdue = proposal.is_overdue(now) and visibility.is_shown(proposal)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "estate": estate,
            "proposals": proposals,
            "config": config,
            "needed": rules.supports_needed(total, share),
            "total_heads": total,
            "may_propose": permissions.may(request.user, "propose", estate),
        },
    )


def proposal_create(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="view_members")
    if not permissions.may(request.user, "propose", estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以提出业主提案。"))
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submitted = run_action(
            request,
            lambda: actions.submit_proposal(
                estate,
                request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
            form=form,
            success=_("提案已发布，并已计入您的支持。"),
        )
        if submitted:
            return redirect(submitted.value.get_absolute_url())
    config = ProposalSettings.for_estate(estate)
    return render(
        request, "proposals/proposal_form.html", {"estate": estate, "form": form, "config": config}
    )


def _assemblies(estate):
    page = getattr(estate, "page", None)
    if page is None:
        return []
    return list(AssemblyPage.objects.descendant_of(page).filter(state=AssemblyState.DRAFT))


def _moderation_context(request, proposal: Proposal, hide_form: HideForm | None) -> dict:
    """What the page shows of the proposal's moderation to this reader."""
    user = request.user
    may_moderate = permissions.may(user, "moderate", proposal.estate)
    open_reports = (
        list(ProposalReport.objects.filter(proposal=proposal, status=ReportStatus.OPEN))
        if may_moderate
        else []
    )
    return {
        "shown": visibility.is_shown(proposal),
        "withheld_line": visibility.withheld_line(proposal),
        "readable": permissions.may(user, "read_withheld_proposal", proposal),
        "may_moderate": may_moderate,
        "hide_form": (hide_form or HideForm(initial={"reason": proposal.hidden_reason or None}))
        if may_moderate
        else None,
        "open_reports": open_reports,
        "may_report": permissions.may(user, "report_proposal", proposal),
        "reported_by_me": user.is_authenticated
        and ProposalReport.objects.filter(proposal=proposal, reporter=user).exists(),
        # Review answers a moderator's hiding; a proposal held with its discussion waits for
        # the moderators' approval of that opening post instead.
        "may_request_review": proposal.is_hidden
        and permissions.may(user, "request_proposal_review", proposal),
        **_adoption_context(user, proposal),
    }


def _adoption_context(user, proposal: Proposal) -> dict:
    """The documents made from a hidden adopted proposal, for those who tend them."""
    if (
        visibility.is_shown(proposal)
        or proposal.status != ProposalStatus.ADOPTED
        or not permissions.may(user, "tend_adoption_copies", proposal)
    ):
        return {"adoption_copies": []}
    return {
        "adoption_copies": adoption.adoption_copies(proposal),
        "item_titled_after_proposal": adoption.item_titled_after_proposal(proposal),
    }


def proposal_detail(
    request,
    estate_slug: str,
    pk: int,
    *,
    answer_form: AnswerForm | None = None,
    hide_form: HideForm | None = None,
):
    proposal = get_proposal(request, estate_slug, pk)
    estate = proposal.estate
    user = request.user
    proposal.support_total = Support.objects.filter(
        target=SupportTarget.PROPOSAL, object_id=proposal.pk
    ).count()
    config = ProposalSettings.for_estate(estate)
    share = rules.share_of(config.threshold_percent)
    heads = heads_for(estate, user)
    progress = _progress(proposal, heads.total, share)
    supported = (
        Support.objects.filter(
            target=SupportTarget.PROPOSAL, object_id=proposal.pk, user=user
        ).exists()
        if user.is_authenticated
        else False
    )
    household_supported = bool(
        heads.head
        and not supported
        and Support.objects.filter(
            target=SupportTarget.PROPOSAL, object_id=proposal.pk, head=heads.head
        ).exists()
    )
    shown = visibility.is_shown(proposal)
    may_answer = (
        permissions.may(user, "answer_proposals", estate)
        and proposal.status == ProposalStatus.AWAITING_ANSWER
        and shown
    )
    if may_answer and answer_form is None:
        answer_form = AnswerForm(assemblies=_assemblies(estate))
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "estate": estate,
            "proposal": proposal,
            "progress": progress,
            "config": config,
            "supported": supported,
            "household_supported": household_supported,
            "may_support": permissions.may(user, "support_proposals", estate)
            and not proposal.is_answered
            and shown,
            "may_answer": may_answer,
            "answer_form": answer_form if may_answer else None,
            "overdue": proposal.is_overdue() and shown,
            **_moderation_context(request, proposal, hide_form),
        },
        status=400 if any(f is not None and f.errors for f in (answer_form, hide_form)) else 200,
    )


@require_POST
def proposal_support(request, estate_slug: str, pk: int):
    proposal = get_proposal(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.support_proposal(proposal, request.user),
        success=lambda result: (
            _("感谢支持！提案已达到支持门槛，业委会或物业须按时公开答复。")
            if result.reached_now
            else _("感谢支持！")
        ),
        denied_as_message=True,
    )
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_answer(request, estate_slug: str, pk: int):
    proposal = get_proposal(request, estate_slug, pk)
    if not permissions.may(request.user, "answer_proposals", proposal.estate):
        raise PermissionDenied(_("只有业委会或物业可以答复业主提案。"))
    assemblies = _assemblies(proposal.estate)
    form = AnswerForm(request.POST, assemblies=assemblies)
    if form.is_valid():
        data = form.cleaned_data
        assembly = next((a for a in assemblies if a.pk == data["assembly"]), None)
        answer = actions.Answer(
            kind=data["kind"],
            text=data["text"],
            party=data["party"],
            referred_party=data["referred_party"],
            outcome=data["outcome"],
            assembly=assembly,
            motion_title=data["motion_title"],
            motion_matter=data["motion_matter"],
            action_item_title=data["action_item_title"],
            action_item_party=data["action_item_party"],
            action_item_due=data["action_item_due"],
        )
        if run_action(
            request,
            lambda: actions.answer_proposal(proposal, request.user, answer),
            form=form,
            success=_("答复已公开。"),
        ):
            return redirect(proposal.get_absolute_url())
    return proposal_detail(request, estate_slug, pk, answer_form=form)


# --- moderation ----------------------------------------------------------------------------


@require_POST
def proposal_hide(request, estate_slug: str, pk: int):
    """A moderator hides the proposal, or confirms or changes the reason of a hiding."""
    proposal = get_proposal(request, estate_slug, pk)
    permissions.require(request.user, permissions.may(request.user, "moderate", proposal.estate))
    form = HideForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: actions.hide_proposal(proposal, request.user, **form.cleaned_data),
        form=form,
        success=_("提案已隐藏，已告知提案人。"),
    ):
        return redirect(proposal.get_absolute_url())
    return proposal_detail(request, estate_slug, pk, hide_form=form)


@require_POST
def proposal_restore(request, estate_slug: str, pk: int):
    proposal = get_proposal(request, estate_slug, pk)
    permissions.require(request.user, permissions.may(request.user, "moderate", proposal.estate))
    run_action(
        request,
        lambda: actions.restore_proposal(proposal, request.user, seen=request.POST.get("seen", "")),
        success=_("提案已恢复显示。"),
    )
    return redirect(proposal.get_absolute_url())


def _proposal_form(request, proposal, form, *, title: str, intro: str = ""):
    return render(
        request,
        "proposals/moderation_form.html",
        {
            "estate": proposal.estate,
            "proposal": proposal,
            "form": form,
            "title": title,
            "intro": intro,
            "readable": permissions.may(request.user, "read_withheld_proposal", proposal),
        },
        status=400 if form.errors else 200,
    )


def proposal_report(request, estate_slug: str, pk: int):
    proposal = get_proposal(request, estate_slug, pk)
    permissions.require(request.user, permissions.may(request.user, "report_proposal", proposal))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            request,
            lambda: actions.report_proposal(proposal, request.user, **form.cleaned_data),
            success=_("举报已提交，版主会尽快处理。"),
            denied_as_message=True,
        )
        return redirect(proposal.get_absolute_url())
    return _proposal_form(request, proposal, form, title=_("举报提案"))


def proposal_review(request, estate_slug: str, pk: int):
    """The author asks the moderators, once per hiding, to look at the hidden proposal again."""
    proposal = get_proposal(request, estate_slug, pk)
    permissions.require(
        request.user, permissions.may(request.user, "request_proposal_review", proposal)
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            request,
            lambda: actions.request_review(proposal, request.user, text=form.cleaned_data["text"]),
            success=_("已申请复核，版主会重新审查。"),
        )
        return redirect(proposal.get_absolute_url())
    return _proposal_form(
        request,
        proposal,
        form,
        title=_("申请复核"),
        intro=visibility.withheld_line(proposal),
    )


# --- supports on posts and opinions --------------------------------------------------------


def _content(request, target: str, pk: int):
    """Return the post or opinion if the reader may see it (404 otherwise)."""
    if target == SupportTarget.POST:
        post = get_object_or_404(Post.objects.select_related("thread__estate"), pk=pk)
        get_estate_for_member(request, post.thread.estate.slug)
        if post.thread.is_held or not post_visibility.is_shown(post):
            raise Http404
        return post, post.thread.get_absolute_url()
    if target == SupportTarget.OPINION:
        opinion = get_object_or_404(
            Opinion.objects.select_related("consultation", "response"), pk=pk
        )
        consultation = opinion.consultation
        # Others' opinions are shown to members in the published report only.
        if (
            not may_view_live_page(request.user, consultation)
            or not ResponseReport.objects.filter(consultation=consultation).exists()
        ):
            raise Http404
        return opinion, consultation.subpage_url("report") or "/"
    raise Http404


@require_POST
def support_content(request, target: str, pk: int):
    obj, back = _content(request, target, pk)
    run_action(
        request,
        lambda: actions.support_content(target, obj, request.user),
        success=_("已支持。"),
        denied_as_message=True,
    )
    back = local_path(request, request.POST.get("next"), back)
    anchor = f"#post-{obj.pk}" if target == SupportTarget.POST else f"#opinion-{obj.pk}"
    return HttpResponseRedirect(back.split("#")[0] + anchor)
