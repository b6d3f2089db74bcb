"""Views of the petitions: read input, look up with checks, call an action, render."""

from __future__ import annotations

from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.choices import ReportReason
from portal.community import permissions
from portal.community.lookups import get_estate
from portal.community.storage import private_file_response
from portal.views import run_action
from voting import petition_rules
from voting.petitions import actions, counting, lookups, visibility
from voting.petitions.choices import PetitionState
from voting.petitions.forms import AnnouncedMeetingForm, PaperSignatureForm, PetitionForm
from voting.petitions.models import Petition, PetitionSignature
from voting.rules import as_percent


def _bar(part, whole, threshold) -> dict:
    """Return one progress bar: the share reached and where the threshold line sits (percent)."""
    share = Fraction(part) / Fraction(whole) if whole else Fraction(0)  # exact, never a float
    return {
        "percent": _percent(share),
        "width": min(100, float(share) * 100),
        "threshold": float(threshold) * 100,
        "threshold_percent": _percent(threshold),
    }


def _percent(share) -> str:
    """Return a share as a percentage, truncated (voting.rules.as_percent never overstates)."""
    return str(as_percent(Fraction(share)))


def _mark_for_reader(petition: Petition, user) -> None:
    """Set what this reader sees of the petition's words: `withheld` (the placeholder, or
    ""), `readable` (may read them, marked) and `shown_title` (voting.petitions.visibility)."""
    petition.withheld = visibility.withheld_line(petition)
    petition.readable = not petition.withheld or permissions.may(
        user, "read_withheld_petition", petition
    )
    petition.shown_title = petition.title if petition.readable else visibility.shown_title(petition)


def petition_list(request, estate_slug: str):
    """List the estate's petitions, newest first, each with its progress."""
    estate = get_estate(request, estate_slug, action="view_members")
    petitions = list(
        Petition.objects.filter(estate=estate)
        .select_related("estate")
        .with_events()
        .with_moderation()
    )
    heads = counting.register_heads(estate) if petitions else []
    rows = []
    for petition in petitions:
        _mark_for_reader(petition, request.user)
        check = counting.progress(petition, heads=heads)
        rows.append(
            {
                "petition": petition,
                "area": _bar(check.signed.exact_area, check.totals.exact_area, petition.area_share),
                "heads": _bar(check.signed.heads, check.totals.heads, petition.heads_share),
                "check": check,
            }
        )
    return render(
        request,
        "petitions/petition_list.html",
        {
            "estate": estate,
            "rows": rows,
            "may_open": permissions.may(request.user, "petition", estate),
        },
    )


def petition_new(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="petition")
    form = PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        opened = run_action(
            request,
            lambda: actions.open_petition(estate, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("提议已发起，您的签名已计入。请邀请其他业主签名。"),
            denied_as_message=True,
        )
        if opened:
            return redirect(opened.value.get_absolute_url())
    return render(
        request,
        "petitions/petition_form.html",
        {"estate": estate, "form": form, "rules": petition_rules},
        status=400 if form.errors else 200,
    )


def petition_detail(
    request, estate_slug: str, pk: int, *, paper_form=None, meeting_form=None, status=200
):
    """The petition page: its text, both bars with the threshold line, signers and what one may do."""
    petition = lookups.get_petition(request, estate_slug, pk)
    estate = petition.estate
    user = request.user
    check = counting.progress(petition)
    signatures = list(
        petition.signatures.select_related("identity", "signed_by", "entered_by", "withdrawal")
    )
    full_names = permissions.may(user, "see_petition_signers", estate)
    identity = counting.identity_of(user, estate)
    own = next((s for s in signatures if identity and s.identity_id == identity.pk), None)
    _mark_for_reader(petition, user)
    may_enter = permissions.may(user, "enter_paper_petitions", estate)
    if may_enter and petition.is_open and paper_form is None:
        paper_form = PaperSignatureForm(estate=estate)
    if may_enter and petition.state in (PetitionState.REACHED, PetitionState.ESCALATED):
        meeting_form = meeting_form or AnnouncedMeetingForm(estate=estate)
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "estate": estate,
            "petition": petition,
            "check": check,
            "area_bar": _bar(check.signed.exact_area, check.totals.exact_area, petition.area_share),
            "heads_bar": _bar(check.signed.heads, check.totals.heads, petition.heads_share),
            "heads_needed": petition_rules.heads_needed(check),
            "area_needed": petition_rules.area_needed(check),
            "signatures": signatures,
            "full_names": full_names,
            "own": own,
            "may_sign": petition.is_open
            and own is None
            and not petition.withheld
            and permissions.may(user, "petition", estate),
            "may_moderate": permissions.may(user, "moderate_petition", petition),
            "hide_reasons": ReportReason.choices,
            "hiding": visibility.hiding(petition),
            "may_withdraw_petition": permissions.may(user, "withdraw_petition", petition),
            "paper_form": paper_form if petition.is_open else None,
            "meeting_form": meeting_form,
            "overdue": petition.announce_overdue(timezone.now()),
            "reached_event": petition.event("reached"),
            "announced_event": petition.event("announced"),
            "escalated_event": petition.event("escalated"),
            "basis": petition_rules.BASIS_PETITION,
        },
        status=status,
    )


@require_POST
def petition_sign(request, estate_slug: str, pk: int):
    petition = lookups.get_petition(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.sign_petition(petition, actor=request.user),
        success=_("您的签名已计入。"),
        denied_as_message=True,
    )
    return redirect(petition.get_absolute_url())


@require_POST
def petition_unsign(request, estate_slug: str, pk: int):
    petition = lookups.get_petition(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.withdraw_signature(petition, actor=request.user),
        success=_("您的签名已撤回。撤回后不能再次签名。"),
        denied_as_message=True,
    )
    return redirect(petition.get_absolute_url())


@require_POST
def petition_withdraw(request, estate_slug: str, pk: int):
    petition = lookups.get_petition(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.withdraw_petition(petition, actor=request.user),
        success=_("提议已撤回。"),
        denied_as_message=True,
    )
    return redirect(petition.get_absolute_url())


@require_POST
def petition_paper(request, estate_slug: str, pk: int):
    petition = lookups.get_petition(request, estate_slug, pk)
    if not permissions.may(request.user, "enter_paper_petitions", petition.estate):
        raise PermissionDenied
    form = PaperSignatureForm(request.POST, request.FILES, estate=petition.estate)
    if form.is_valid() and run_action(
        request,
        lambda: actions.enter_paper_signature(
            petition,
            actor=request.user,
            identity=form.cleaned_data["identity"],
            scan=form.cleaned_data["scan"],
        ),
        form=form,
        success=_("书面提议已录入。"),
        denied_as_message=True,
    ):
        return redirect(petition.get_absolute_url())
    return petition_detail(request, estate_slug, pk, paper_form=form, status=400)


@require_POST
def petition_meeting(request, estate_slug: str, pk: int):
    petition = lookups.get_petition(request, estate_slug, pk)
    if not permissions.may(request.user, "enter_paper_petitions", petition.estate):
        raise PermissionDenied
    form = AnnouncedMeetingForm(request.POST, estate=petition.estate)
    if form.is_valid() and run_action(
        request,
        lambda: actions.record_meeting_announced(
            petition, actor=request.user, assembly=form.cleaned_data["assembly"]
        ),
        form=form,
        success=_("已登记召集的临时会议。"),
        denied_as_message=True,
    ):
        return redirect(petition.get_absolute_url())
    return petition_detail(request, estate_slug, pk, meeting_form=form, status=400)


def signature_scan(request, estate_slug: str, pk: int, signature_id: int):
    """Show a paper petition's scan to the committee and the officials (their record)."""
    petition = lookups.get_petition(request, estate_slug, pk)
    if not permissions.may(request.user, "see_petition_signers", petition.estate):
        raise PermissionDenied
    signature = get_object_or_404(PetitionSignature, pk=signature_id, petition=petition)
    if not signature.scan:
        raise PermissionDenied
    return private_file_response(signature.scan)


@require_POST
def petition_hide(request, estate_slug: str, pk: int):
    """An official hides the petition's words with a reason (signatures and counts stand)."""
    petition = lookups.get_petition(request, estate_slug, pk)
    permissions.require(request.user, permissions.may(request.user, "moderate_petition", petition))
    run_action(
        request,
        lambda: actions.hide_petition(
            petition, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("提议的文字已隐藏，签名和法定比例不受影响。"),
    )
    return redirect(petition.get_absolute_url())


@require_POST
def petition_restore(request, estate_slug: str, pk: int):
    """An official shows a hidden petition's words again."""
    petition = lookups.get_petition(request, estate_slug, pk)
    permissions.require(request.user, permissions.may(request.user, "moderate_petition", petition))
    run_action(
        request,
        lambda: actions.restore_petition(petition, actor=request.user),
        success=_("提议已恢复显示。"),
    )
    return redirect(petition.get_absolute_url())
