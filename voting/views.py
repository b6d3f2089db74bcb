"""Voting pages: cast (form → confirm → receipt), proxies, paper entry, the public ledger."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.community.storage import private_file_response
from portal.views import message_form_errors, message_refusal, run_action
from voting import actions, ledger, lookups
from voting.choices import AssemblyState, Channel, ProxyStatus
from voting.forms import (
    BallotForm,
    InformCommitteeForm,
    PaperBallotForm,
    ProxyDecisionForm,
    ProxyForm,
    PublishedLineForm,
    ReceiptLookupForm,
)
from voting.ledger.public import display_rows, public_ledger
from voting.models import Ballot, Proxy
from voting.models.assemblies import assembly_views
from voting.roll import preview_roll
from voting.turnout import turnout


@assembly_views.register("context")
def assembly_context(request, assembly) -> dict:
    """Return what the assembly page shows this reader: the motions, the rights they may
    vote for, and which of those rights have a ballot."""
    motions = list(assembly.motions.prefetch_related("candidates", "documents"))
    voter_rights = lookups.rights_for_voter(request.user, assembly)
    # Whether each of the reader's rights has a ballot, however it was cast: an owner
    # who did not vote and sees "已投票" knows to ask (SECURITY.md).
    voted = set(
        Ballot.objects.filter(
            assembly=assembly, right__in=[r.right for r in voter_rights]
        ).values_list("right_id", flat=True)
    )
    return {"motions": motions, "voter_rights": voter_rights, "voted_right_ids": voted}


# --- casting --------------------------------------------------------------------------------


@login_required
def vote(request, page_id: int):
    """Show the ballot, then the confirmation, then cast it and go to the receipt."""
    assembly = lookups.get_assembly(request, page_id)
    rights = lookups.rights_for_voter(request.user, assembly)
    voter_right = lookups.get_voter_right(
        request, assembly, request.POST.get("right") or request.GET.get("right"), rights=rights
    )
    context = {
        "page": assembly,
        "voter_right": voter_right,
        "all_rights": rights,
        "open": assembly.is_voting_window(),
    }
    if request.method != "POST":
        context["form"] = BallotForm(assembly)
        return render(request, "voting/vote.html", context)
    form = BallotForm(assembly, request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "voting/vote.html", context)
    if request.POST.get("step") != "confirm":
        context.update(summary=form.summary(), submission_key=uuid.uuid4().hex)
        return render(request, "voting/vote_confirm.html", context)
    cast = run_action(
        request,
        lambda: actions.cast_ballot(
            assembly,
            voter_right.right,
            form.to_choices(),
            channel=voter_right.channel,
            cast_by=request.user,
            submission_key=request.POST.get("submission_key", "")[:64],
            checked=voter_right,  # the lookup checked the voter and read the right's holders
            motions=form.motions,  # the form read the motions and candidates
        ),
        form=form,
    )
    if not cast:
        return render(request, "voting/vote.html", context)
    if cast.value.created:
        messages.success(request, _("投票成功，请保存您的回执码。"))
    else:
        messages.info(request, _("该投票权已经投过票，以第一次提交的选票为准，本次提交未被记录。"))
    return redirect("voting:receipt", page_id=assembly.pk)


@login_required
def receipt(request, page_id: int):
    """Show the receipts of the ballots this user cast in the assembly."""
    assembly = lookups.get_assembly(request, page_id)
    ballots = lookups.ballots_for_receipts(request.user, assembly)
    return render(request, "voting/receipt.html", {"page": assembly, "ballots": ballots})


# --- proxies ---------------------------------------------------------------------------------


@login_required
def proxy_register(request, page_id: int):
    """Let an owner register a written authorisation naming an agent."""
    assembly = lookups.get_assembly(request, page_id)
    form = ProxyForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            request,
            lambda: actions.register_proxy(
                assembly,
                grantor=request.user,
                agent_phone=form.cleaned_data["agent_phone"],
                scan=form.cleaned_data["scan"],
            ),
            form=form,
            success=_("委托已提交，业委会审核通过后受托人即可代为投票。"),
        )
    ):
        return HttpResponseRedirect(assembly.url)
    mine = Proxy.objects.filter(assembly=assembly, grantor=request.user).select_related("agent")
    return render(
        request, "voting/proxy_form.html", {"page": assembly, "form": form, "proxies": mine}
    )


def proxy_queue(request, page_id: int):
    """List the assembly's proxies for the committee to decide."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    proxies = Proxy.objects.filter(assembly=assembly).select_related(
        "grantor", "agent", "identity", "decided_by"
    )
    return render(
        request,
        "voting/proxy_queue.html",
        {
            "page": assembly,
            "pending": [p for p in proxies if p.status == ProxyStatus.PENDING],
            "decided": [p for p in proxies if p.status != ProxyStatus.PENDING],
            "form": ProxyDecisionForm(),
        },
    )


def proxy_scan(request, page_id: int, proxy_id: int):
    """Show a proxy's written authorisation to those who run the assembly, and nobody else."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    proxy = get_object_or_404(Proxy, pk=proxy_id, assembly=assembly)
    return private_file_response(proxy.scan)


def paper_scan(request, page_id: int, ballot_id: int):
    """Show a paper ballot's scan to those who run the assembly (it is their record)."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    ballot = get_object_or_404(Ballot, pk=ballot_id, assembly=assembly, channel=Channel.PAPER)
    return private_file_response(ballot.scan)


@require_POST
def proxy_decide(request, page_id: int, proxy_id: int):
    assembly = lookups.get_assembly_for_runner(request, page_id)
    proxy = get_object_or_404(Proxy, pk=proxy_id, assembly=assembly)
    form = ProxyDecisionForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.decide_proxy(
                proxy,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            ),
            success=_("已记录审核结果。"),
            denied_as_message=True,
        )
    else:
        message_form_errors(request, form)
    return redirect("voting:proxy_queue", page_id=assembly.pk)


# --- paper ballots ----------------------------------------------------------------------------


def paper_entry(request, page_id: int):
    """Let committee staff enter a paper ballot with its scan, and confirm others' entries."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    form = PaperBallotForm(assembly, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def enter():
            right = lookups.get_paper_right(
                assembly, form.cleaned_data["building"], form.cleaned_data["unit_number"]
            )
            return actions.enter_paper_ballot(
                assembly,
                right,
                form.to_choices(),
                entered_by=request.user,
                scan=form.cleaned_data["scan"],
                submission_key=request.POST.get("submission_key", "")[:64],
            )

        entered = run_action(request, enter, form=form)
        if entered:
            result = entered.value
            if result.created:
                messages.success(
                    request,
                    _("书面选票已录入，回执码 %(code)s。") % {"code": result.receipt_code},
                )
            else:
                messages.info(request, _("该投票权已有书面选票，本次录入未被记录。"))
            return redirect("voting:paper_entry", page_id=assembly.pk)
    paper = (
        Ballot.objects.filter(assembly=assembly, channel=Channel.PAPER)
        .select_related("entered_by", "confirmation", "confirmation__confirmed_by", "ledger_entry")
        .prefetch_related("right__units")
        .order_by("-id")
    )
    for ballot in paper:
        ballot.assembly = assembly  # who may confirm is asked of it: no query per ballot
    return render(
        request,
        "voting/paper_entry.html",
        {
            "page": assembly,
            "form": form,
            "paper_ballots": paper,
            "submission_key": uuid.uuid4().hex,
        },
    )


@require_POST
def paper_confirm(request, page_id: int, ballot_id: int):
    assembly = lookups.get_assembly_for_runner(request, page_id)
    ballot = get_object_or_404(Ballot, pk=ballot_id, assembly=assembly)
    run_action(
        request,
        lambda: actions.confirm_paper_ballot(ballot, actor=request.user),
        success=_("已核对。"),
        denied_as_message=True,
    )
    return redirect("voting:paper_entry", page_id=assembly.pk)


# --- running the assembly ---------------------------------------------------------------------


# Acts that cannot be undone: each is done only from its confirmation page, which says what
# will happen and what cannot be undone. A POST without the confirmation goes there first.
IRREVERSIBLE_ACTS = ("open", "close", "certify")


def confirmed(request, act: str) -> bool:
    """Return whether the POST comes from the act's confirmation page."""
    return request.method == "POST" and request.POST.get("confirm") == act


@require_GET
def confirm(request, page_id: int, act: str):
    """Say what opening, closing or certifying will do and what cannot be undone; ask once more.

    The page offers the button only when the action would accept it now; otherwise it lists
    why not (the same refusals the action raises).
    """
    assembly = lookups.get_assembly_for_runner(request, page_id)
    if act not in IRREVERSIBLE_ACTS:
        raise Http404
    now = timezone.now()
    context: dict = {"page": assembly, "act": act}
    if act == "open":
        context["refusals"] = actions.refusals_to_open(assembly, now=now)
        if assembly.state == AssemblyState.ANNOUNCED:
            context["roll"] = preview_roll(assembly.page_estate)
        context["action"] = reverse("voting:manage", args=[assembly.pk])
    elif act == "close":
        context["refusals"] = actions.refusals_to_close(assembly, now=now)
        context["report"] = turnout(assembly)
        context["action"] = reverse("voting:manage", args=[assembly.pk])
    else:
        context["refusals"] = actions.refusals_to_certify(assembly)
        context["late"] = bool(assembly.result_due_by and now > assembly.result_due_by)
        context["action"] = reverse("voting:certify", args=[assembly.pk])
    return render(request, "voting/confirm_act.html", context)


def manage(request, page_id: int):
    """Publish the notice, record informing the residents' committee, open and close voting."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    inform_form = InformCommitteeForm(request.POST if request.POST.get("do") == "inform" else None)
    if request.method == "POST":
        do = request.POST.get("do")
        if do in IRREVERSIBLE_ACTS and not confirmed(request, do):
            return redirect("voting:confirm", page_id=assembly.pk, act=do)
        try:
            if do == "announce":
                actions.announce_assembly(assembly, actor=request.user)
                messages.success(request, _("会议公告已发布，表决事项已冻结。"))
            elif do == "open":
                actions.open_voting(assembly, actor=request.user)
                messages.success(request, _("投票已开始，选民名册已冻结。"))
            elif do == "close":
                actions.close_voting(assembly, actor=request.user)
                messages.success(request, _("投票已结束。"))
            elif do == "inform" and inform_form.is_valid():
                actions.record_residents_committee_informed(
                    assembly, actor=request.user, **inform_form.cleaned_data
                )
                messages.success(request, _("已记录告知社区居委会。"))
            if do != "inform" or inform_form.is_valid():
                return redirect("voting:manage", page_id=assembly.pk)
        except (ValidationError, PermissionDenied) as error:
            message_refusal(request, error)
    return render(
        request,
        "voting/manage.html",
        {
            "page": assembly,
            "inform_form": inform_form,
            "notices": assembly.committee_notices.select_related("recorded_by"),
            "roll": getattr(assembly, "roll", None) if assembly.state != "draft" else None,
        },
    )


# --- the ledger --------------------------------------------------------------------------------
# Readers: whoever may open the assembly's page (its visibility: the estate's members by
# default, everyone for a public meeting). The ledger names no person, publishes no choice
# before the close, and its JSON is what anyone verifies against the published notices.


def ledger_page(request, page_id: int):
    """Show every ballot of the chain in words; an owner can find their receipt in it."""
    assembly = lookups.get_assembly(request, page_id)
    data = public_ledger(assembly)
    context = {
        "page": assembly,
        "data": data,
        "rows": display_rows(data),
        "closed": assembly.state == AssemblyState.CLOSED,
        "head": data["head"],
    }
    form = ReceiptLookupForm(request.GET or None)
    if form.is_valid():
        code = ledger.normalise_receipt_code(form.cleaned_data["receipt"])
        context["found"] = (
            Ballot.objects.filter(assembly=assembly, receipt_code=code)
            .select_related("superseded_by", "ledger_entry")
            .first()
        )
        context["looked_up"] = True
    context["lookup_form"] = form
    return render(request, "voting/ledger.html", context)


def ledger_json(request, page_id: int):
    """Return the ledger as JSON, with everything needed to recompute and check it."""
    assembly = lookups.get_assembly(request, page_id)
    response = JsonResponse(
        public_ledger(assembly), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{assembly.pk}.json"'
    return response


def ledger_verify(request, page_id: int):
    """Recompute the stored ledger now, against its notices and any line the reader brings."""
    assembly = lookups.get_assembly(request, page_id)
    form = PublishedLineForm(request.GET or None)
    brought = form.publications() if form.is_valid() else []
    result = ledger.verify_assembly(assembly, published=brought)
    return render(
        request,
        "voting/ledger_verify.html",
        {"page": assembly, "result": result, "form": form, "brought": brought},
    )
