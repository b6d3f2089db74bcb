"""Results, results files, certification and live turnout of an assembly (thin views)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.views import run_action
from voting import actions, lookups, results
from voting.models import AssemblyResult
from voting.turnout import QUORUM_PERCENT, turnout
from voting.views import confirmed

FILE_TYPES = {
    "pdf": ("application/pdf", results.to_pdf),
    "csv": ("text/csv; charset=utf-8", results.to_csv),
    "json": ("application/json; charset=utf-8", results.to_json),
}


def results_page(request, page_id: int):
    """Show the result of a closed assembly: motion by motion, deemed tally beside."""
    assembly = lookups.get_assembly_for_results(request, page_id)
    data = results.result_data(assembly)
    motions = [
        {
            **motion,
            "outcome": results.outcome_word(motion),
            "deemed_outcome": results.outcome_word(motion, deemed=True)
            if motion.get("deemed")
            else "",
            "summary": results.motion_summary(motion, data["totals"]),
            "basis": _(motion["legal_basis"]),
            "failure_texts": [_(text) for text in motion.get("failures", [])],
            "deemed_note": _(motion["deemed"]["note"]) if motion.get("deemed") else "",
        }
        for motion in data["motions"]
    ]
    return render(
        request,
        "voting/results.html",
        {
            "page": assembly,
            "data": data,
            "motions": motions,
            "certified": AssemblyResult.objects.filter(assembly=assembly)
            .select_related("notice")
            .first(),
        },
    )


def results_file(request, page_id: int, kind: str):
    """Return the result as a PDF, CSV or JSON file."""
    if kind not in FILE_TYPES:
        raise Http404
    assembly = lookups.get_assembly_for_results(request, page_id)
    content_type, render_file = FILE_TYPES[kind]
    response = HttpResponse(render_file(results.result_data(assembly)), content_type=content_type)
    disposition = "inline" if kind == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="assembly-{assembly.pk}-result.{kind}"'
    )
    return response


@require_POST
def certify(request, page_id: int):
    """Certify the result (the committee), which publishes the 决议公告; only once confirmed."""
    assembly = lookups.get_assembly_for_runner(request, page_id)
    if not confirmed(request, "certify"):
        return redirect("voting:confirm", page_id=assembly.pk, act="certify")
    run_action(
        request,
        lambda: actions.certify_result(assembly, actor=request.user),
        success=lambda result: (
            _("表决结果已核定，决议公告已发布，公示 %(days)s 天。")
            % {"days": result.notice.min_display_days}
        ),
        denied_as_message=True,
    )
    return redirect("voting:manage", page_id=assembly.pk)


def turnout_page(request, page_id: int):
    """Show live participation by area and heads, overall and per building, as an SVG chart."""
    assembly = lookups.get_assembly_for_observer(request, page_id)
    report = turnout(assembly, overall_label=_("全小区"))
    return render(
        request,
        "voting/turnout.html",
        {"page": assembly, "report": report, "quorum_percent": QUORUM_PERCENT},
    )
