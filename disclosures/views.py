"""Disclosure pages: the estate's list with trends and deadlines, one disclosure with its
tables, charts, questions and corrections, the import, the committee's review and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disclosures import actions, content, presentation
from disclosures.choices import ReviewDecision
from disclosures.forms import CorrectionForm, ImportForm, QuestionForm, ReasonForm, ReviewForm
from disclosures.lookups import get_disclosure
from disclosures.models import DisclosureLine
from disclosures.sheets import template_bytes
from portal.community.lookups import get_estate
from portal.spreadsheets import XLSX_TYPE, csv_response, xlsx_response
from portal.views import refusal_texts, run_action


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Return (anchor, message) pairs for the error summary (a Refused says where each is)."""
    return [("", text) for text in refusal_texts(exc)]


@require_GET
def estate_index(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="view_members")
    return render(
        request, "disclosures/estate_index.html", presentation.estate_overview(request.user, estate)
    )


@require_GET
def template_download(request, estate_slug: str):
    get_estate(request, estate_slug, action="enter_disclosures")
    response = HttpResponse(template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="gongzhi-disclosure-template.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def import_view(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="enter_disclosures")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        imported = run_action(
            request,
            lambda: actions.import_disclosure(estate, request.user, upload, file_name=upload.name),
            form=form,
            success=lambda disclosure: (
                _("已导入 %(period)s 的信息公开草稿，请核对后提交业委会审核。")
                % {"period": disclosure.period_label}
            ),
        )
        if imported:
            return redirect("disclosures:detail", estate.slug, imported.value.pk)
    return render(
        request,
        "disclosures/import.html",
        {"estate": estate, "form": form},
        status=422 if form.errors else 200,
    )


@require_GET
def detail(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk)
    context = presentation.disclosure_page(request.user, disclosure)
    context["question_form"] = QuestionForm()
    if context.get("may_correct"):
        context["correction_form"] = CorrectionForm(
            targets=presentation.correction_targets(context["record"])
        )
    return render(request, "disclosures/disclosure.html", context)


@require_POST
def submit(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk, action="enter_disclosures")
    run_action(
        request,
        lambda: actions.submit_for_review(disclosure, request.user),
        success=_("已提交业主委员会审核。"),
    )
    return redirect("disclosures:detail", disclosure.estate.slug, disclosure.pk)


@require_http_methods(["GET", "POST"])
def review(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk, action="review_disclosures")
    form = None
    if request.method == "POST":
        if "confirm_rest" in request.POST:
            for line in disclosure.lines.filter(review__isnull=True):
                actions.review_line(line, request.user, decision=ReviewDecision.CONFIRMED)
            messages.success(request, _("其余各行已确认。"))
            return redirect("disclosures:review", disclosure.estate.slug, disclosure.pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            line = get_object_or_404(
                DisclosureLine, disclosure=disclosure, pk=form.cleaned_data["line"]
            )
            if run_action(
                request,
                lambda: actions.review_line(
                    line,
                    request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                ),
                form=form,
                success=_("已记录对“%(item)s”的审核。") % {"item": line.label},
            ):
                return redirect(f"{request.path}#line-{line.pk}")
    context = presentation.review_page(disclosure)
    context.update({"form": form, "reason_form": ReasonForm()})
    return render(
        request,
        "disclosures/review.html",
        context,
        status=422 if (form and form.errors) else 200,
    )


@require_POST
def publish(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk, action="review_disclosures")
    if not run_action(
        request,
        lambda: actions.publish(disclosure, request.user),
        success=_("已公开。公开后内容冻结，如需修改只能登记更正。"),
    ):
        return redirect("disclosures:review", disclosure.estate.slug, disclosure.pk)
    return redirect("disclosures:detail", disclosure.estate.slug, disclosure.pk)


@require_POST
def return_to_draft(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk, action="review_disclosures")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请说明退回原因。"))
        return redirect("disclosures:review", disclosure.estate.slug, disclosure.pk)
    if not run_action(
        request,
        lambda: actions.return_to_draft(
            disclosure, request.user, reason=form.cleaned_data["reason"]
        ),
        success=_("已退回物业修改。"),
    ):
        return redirect("disclosures:review", disclosure.estate.slug, disclosure.pk)
    return redirect("disclosures:detail", disclosure.estate.slug, disclosure.pk)


@require_POST
def ask(request, estate_slug: str, pk: int, line_id: int):
    disclosure = get_disclosure(request, estate_slug, pk, action="participate")
    line = get_object_or_404(DisclosureLine, disclosure=disclosure, pk=line_id)
    form = QuestionForm(request.POST)
    problems: list[tuple[str, str]] = []
    if form.is_valid():
        try:
            question = actions.ask_about_line(line, request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, _("问题已提交，物业服务企业须在 24 小时内答复。"))
            return redirect(f"{question.thread.get_absolute_url()}")
    context = presentation.disclosure_page(request.user, disclosure)
    context.update({"question_form": form, "asked_line": line.pk, "problems": problems})
    return render(request, "disclosures/disclosure.html", context, status=422)


@require_POST
def correct(request, estate_slug: str, pk: int):
    disclosure = get_disclosure(request, estate_slug, pk)
    context = presentation.disclosure_page(request.user, disclosure)
    if not context.get("may_correct"):
        raise PermissionDenied
    form = CorrectionForm(request.POST, targets=presentation.correction_targets(context["record"]))
    problems: list[tuple[str, str]] = []
    if form.is_valid():
        kind, _sep, rest = form.cleaned_data["target"].partition(":")
        line_id, _sep, field_name = rest.rpartition(":") if kind == "line" else ("", "", rest)
        change = {
            "line": int(line_id) if line_id else None,
            "field": field_name,
            "new": form.cleaned_data["new"],
        }
        try:
            actions.correct(
                disclosure, request.user, changes=[change], reason=form.cleaned_data["reason"]
            )
        except (ValidationError, ArithmeticError) as exc:
            problems = (
                _errors(exc) if not isinstance(exc, ArithmeticError) else [("", _("请填写数字。"))]
            )
        else:
            messages.success(request, _("更正已登记，原值和新值都会公开显示。"))
            return redirect("disclosures:detail", disclosure.estate.slug, disclosure.pk)
    context.update({"correction_form": form, "problems": problems, "question_form": QuestionForm()})
    return render(request, "disclosures/disclosure.html", context, status=422)


@require_GET
def download(request, estate_slug: str, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    disclosure = get_disclosure(request, estate_slug, pk)
    record = actions.latest_record(disclosure)
    body = record.content if record else content.build(disclosure)
    rows = presentation.export_rows(disclosure, body, record)
    filename = f"gongzhi-disclosure-{disclosure.estate.slug}-{disclosure.period_start:%Y%m%d}"
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, sheet=_("信息公开"))
