"""The published roll (名册公示): owners check their entries and object; the committee decides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.community import permissions
from portal.community.lookups import LoginRequired
from portal.community.models import Unit
from portal.community.storage import private_file_response
from portal.views import run_action
from voting import lookups, objections
from voting.models import AssemblyPage, RollObjection
from voting.objection_forms import DecisionForm, ObjectionForm, OverrideForm


def _published_assembly(request, page_id: int) -> AssemblyPage:
    """Return the assembly if its roll is on display and the reader is a member (or official)."""
    assembly = lookups.get_assembly(request, page_id)
    estate = assembly.page_estate
    if not permissions.may(request.user, "view_members", estate):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise PermissionDenied
    if not objections.is_published(assembly):
        raise PermissionDenied(_("会议公告发布后才公示名册。"))
    return assembly


def _own_units(request, assembly: AssemblyPage):
    identity = objections.own_identity(request.user, assembly)
    if identity is None:
        return Unit.objects.none()
    return (
        Unit.objects.filter(ownerships__identity=identity, ownerships__ended_at__isnull=True)
        .select_related("building")
        .distinct()
    )


def roll_check(request, page_id: int, *, form=None, status=200):
    """Show the roll's aggregates to members, an owner's own entries and objections."""
    assembly = _published_assembly(request, page_id)
    estate = assembly.page_estate
    may_object = objections.is_open_for_objections(assembly) and permissions.may(
        request.user, "object_to_roll", estate
    )
    if may_object and form is None:
        form = ObjectionForm(units=_own_units(request, assembly))
    own_objections = []
    if request.user.is_authenticated:
        own_objections = list(
            RollObjection.objects.filter(assembly=assembly, filed_by=request.user)
            .select_related(
                "unit__building",
                "decision__corrected_unit__building",
                "decision__assigned_to",
            )
            .order_by("-filed_at")
        )
    return render(
        request,
        "voting/roll_check.html",
        {
            "page": assembly,
            "estate": estate,
            "summary": objections.summary(assembly),
            "entries": objections.own_entries(request.user, assembly),
            "form": form if may_object else None,
            "own_objections": own_objections,
            "may_decide": permissions.may(request.user, "decide_roll_objections", estate),
            "open_for_objections": objections.is_open_for_objections(assembly),
            "overrides": assembly.roll_objection_overrides.all(),
        },
        status=status,
    )


@require_POST
def roll_object(request, page_id: int):
    assembly = _published_assembly(request, page_id)
    if not permissions.may(request.user, "object_to_roll", assembly.page_estate):
        raise PermissionDenied
    form = ObjectionForm(request.POST, request.FILES, units=_own_units(request, assembly))
    if form.is_valid() and run_action(
        request,
        lambda: objections.file_objection(
            assembly,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            unit=form.cleaned_data["unit"],
            claimed_area=form.cleaned_data["claimed_area"],
            explanation=form.cleaned_data["explanation"],
            evidence=form.cleaned_data["evidence"],
        ),
        form=form,
        success=_("异议已提交，业主委员会将在名册冻结前作出决定。"),
        denied_as_message=True,
    ):
        return redirect("voting:roll", page_id=assembly.pk)
    return roll_check(request, page_id, form=form, status=400)


def roll_objections(request, page_id: int, *, forms=None, override_form=None, status=200):
    """The committee's list of objections, each with its decision or a form to decide it."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    items = list(
        RollObjection.objects.filter(assembly=assembly)
        .select_related(
            "unit__building",
            "identity",
            "filed_by",
            "decision__decided_by",
            "decision__corrected_unit__building",
            "decision__assigned_to",
        )
        .order_by("filed_at", "pk")
    )
    forms = forms or {}
    open_ = objections.is_open_for_objections(assembly)
    for item in items:
        if open_ and not hasattr(item, "decision"):
            item.form = forms.get(item.pk) or DecisionForm(
                auto_id=f"id_o{item.pk}_%s",
                initial={"corrected_area": item.claimed_area},
                estate=assembly.page_estate,
            )
    blocking = objections.blocking_objections(assembly).count() if open_ else 0
    if blocking and override_form is None:
        override_form = OverrideForm()
    return render(
        request,
        "voting/roll_objections.html",
        {
            "page": assembly,
            "estate": assembly.page_estate,
            "items": items,
            "blocking": blocking,
            "override_form": override_form if blocking else None,
            "overrides": assembly.roll_objection_overrides.select_related("actor"),
            "all_forms": [item.form for item in items if getattr(item, "form", None)],
        },
        status=status,
    )


@require_POST
def roll_decide(request, page_id: int, objection_id: int):
    assembly = lookups.get_assembly_for_runner(request, page_id)
    objection = get_object_or_404(RollObjection, pk=objection_id, assembly=assembly)
    form = DecisionForm(request.POST, auto_id=f"id_o{objection.pk}_%s", estate=assembly.page_estate)
    if form.is_valid() and run_action(
        request,
        lambda: objections.decide_objection(
            objection,
            actor=request.user,
            upheld=form.cleaned_data["upheld"],
            reason=form.cleaned_data["reason"],
            corrected_area=form.cleaned_data["corrected_area"],
            unit=form.cleaned_data["unit"],
            grouping=form.cleaned_data["grouping"] or None,
            other_name=form.cleaned_data["other_name"],
            other_id_number=form.cleaned_data["other_id_number"],
        ),
        form=form,
        success=_("已记录决定。"),
        denied_as_message=True,
    ):
        return redirect("voting:roll_objections", page_id=assembly.pk)
    return roll_objections(request, page_id, forms={objection.pk: form}, status=400)


@require_POST
def roll_override(request, page_id: int):
    assembly = lookups.get_assembly_for_runner(request, page_id)
    form = OverrideForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: objections.override_undecided(
            assembly, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        form=form,
        success=_("已记录理由；名册可以在未决异议处理完之前冻结。"),
        denied_as_message=True,
    ):
        return redirect("voting:roll_objections", page_id=assembly.pk)
    return roll_objections(request, page_id, override_form=form, status=400)


def roll_evidence(request, page_id: int, objection_id: int):
    """Show an objection's evidence to the committee and to the owner who filed it."""
    assembly = lookups.get_assembly(request, page_id)
    objection = get_object_or_404(RollObjection, pk=objection_id, assembly=assembly)
    if not permissions.may(request.user, "see_objection_evidence", objection):
        raise PermissionDenied
    return private_file_response(objection.evidence)
