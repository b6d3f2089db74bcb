"""Views of the consultations app, served as routes of the page (so page visibility applies
first). Thin: read the form (consultations/forms.py), ask the permissions module, call an
action, render."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import actions, visibility
from consultations import results as figures_of
from consultations.answers import opinion_field_name
from consultations.choices import SCALE_MIN, Handling, QuestionKind
from consultations.forms import HandlingForm, ResponseForm
from consultations.models import ConsultationPage, Opinion, Response, ResponseReport
from consultations.models.pages import consultation_views
from consultations.moderation_views import moderates
from deliberation.choices import ReportReason
from portal.community import permissions
from portal.community.lookups import LoginRequired
from portal.spreadsheets import csv_response, xlsx_response
from portal.views import run_action
from proposals import supports
from proposals.choices import SupportTarget
from themes.sanitiser import plain_text

ROUTES = (
    "respond",
    "results",
    "results_csv",
    "results_xlsx",
    "handling",
    "report",
    "moderate_opinion",
    "moderate_answers",
)


def _manages(request, consultation: ConsultationPage) -> bool:
    estate = consultation.page_estate
    return bool(estate and permissions.may(request.user, "manage_consultation", estate))


def _require_manager(request, consultation: ConsultationPage) -> None:
    permissions.require(request.user, _manages(request, consultation))


def _urls(consultation: ConsultationPage) -> dict[str, str]:
    if not consultation.pk or not consultation.url:
        return {}
    return {name: consultation.subpage_url(name) for name in ROUTES}


def _report(consultation: ConsultationPage) -> ResponseReport | None:
    return ResponseReport.objects.filter(consultation=consultation).first()


def _common(request, consultation: ConsultationPage) -> dict[str, Any]:
    """Return what every consultation template shows: phase, report, links, the reader's role."""
    saved = bool(consultation.pk)
    return {
        "phase": consultation.phase(),
        "report": _report(consultation) if saved else None,
        "may_manage": saved and _manages(request, consultation),
        "subpage_urls": _urls(consultation),
    }


@consultation_views.register("detail")
def consultation_detail(request, consultation: ConsultationPage, *, form=None):
    """Show the draft, the questionnaire (or the reader's saved response) and the links.

    With a refused `form`, show it again: what was typed, each problem beside its field."""
    user = request.user
    questions = list(consultation.questions.all())
    sections = list(consultation.sections.all())
    response = None
    if consultation.pk and permissions.is_authenticated(user):
        response = (
            Response.objects.filter(consultation=consultation, user=user)
            .prefetch_related("answers", "opinions")
            .first()
        )
    if form is None:
        form = ResponseForm(
            questions=questions, sections=sections, initial=ResponseForm.initial_from(response)
        )
    refusal = actions.refusal(user, consultation) if permissions.is_authenticated(user) else None
    context: dict[str, Any] = _common(request, consultation)
    my_opinions = []
    if response is not None and context["report"] is not None:
        my_opinions = list(response.opinions.all())
    errors = form.errors if form.is_bound else {}
    # The author reads their own words in the form, told what others read while withheld.
    own_texts = {a.question_id: a for a in response.answers.all() if a.text} if response else {}
    for question in questions:
        question.chosen = form.chosen(question)
        question.errors = errors.get(question.field_name, [])
        own = own_texts.get(question.pk)
        question.withheld = visibility.answer_withheld_line(own) if own else ""
    for section in sections:
        section.opinion_text = form.opinion_text(section.anchor)
        section.errors = errors.get(opinion_field_name(section.anchor), [])
    context |= {
        "form": form,
        "questions": questions,
        "sections": sections,
        "response": response,
        "refusal": refusal,
        "may_respond": permissions.is_authenticated(user) and refusal is None,
        "my_opinions": my_opinions,
        "overall_text": form.opinion_text(""),
        "overall_errors": errors.get(opinion_field_name(""), []),
        "error_items": _error_items(errors, questions),
    }
    return consultation.render(request, context_overrides=context)


def _field_anchor(field: str, questions) -> str:
    """Return the id a summary link moves to: a question's first option, or the textarea."""
    for question in questions:
        if question.field_name == field:
            if question.kind == QuestionKind.TEXT:
                return field
            # Choice ids and scale values both start at 1: the group's first input.
            return f"{field}-{SCALE_MIN if question.kind == QuestionKind.SCALE else 1}"
    return "" if field == NON_FIELD_ERRORS else field


def _error_items(field_errors: dict[str, list[str]], questions) -> list[tuple[str, str]]:
    """Return the error summary's (anchor, message) pairs in the order they were found."""
    return [
        (_field_anchor(field, questions), message)
        for field, messages in field_errors.items()
        for message in messages
    ]


@consultation_views.register("respond")
@require_POST
def respond(request, consultation: ConsultationPage):
    """Save the reader's response; on a refusal show the form again with every error."""
    if not request.user.is_authenticated:
        raise LoginRequired
    form = ResponseForm(
        request.POST,
        questions=list(consultation.questions.all()),
        sections=list(consultation.sections.all()),
    )
    saved = form.is_valid() and run_action(
        request,
        lambda: actions.submit_response(
            consultation, request.user, answers=form.answers(), opinions=form.opinions()
        ),
        form=form,
        success=lambda response: (
            _("您的意见已更新。截止前您仍可修改。")
            if response.edit_count
            else _("感谢参与！您的意见已提交，截止前可以修改。")
        ),
    )
    if not saved:
        page = consultation_detail(request, consultation, form=form)
        page.status_code = 400
        return page
    return redirect(consultation.url + "#my-response")


@consultation_views.register("results")
def results(request, consultation: ConsultationPage):
    """The figures: live for the committee; for every reader of the page after the close."""
    permissions.require(
        request.user, permissions.may(request.user, "view_consultation_results", consultation)
    )
    manages = _manages(request, consultation)
    figures = figures_of.compute(
        consultation, show_names=figures_of.names_shown(consultation, viewer_manages=manages)
    )
    visibility.mark_for_reader(
        [opinion for group in figures.sections for opinion in group.opinions],
        request.user,
        consultation,
    )
    visibility.mark_answers_for_reader(
        [answer for figure in figures.questions for answer in figure.texts],
        request.user,
        consultation,
    )
    return consultation.render(
        request,
        template="consultations/consultation_results.html",
        context_overrides={
            **_common(request, consultation),
            "results": figures,
            "audience_size": actions.audience_users(consultation).count() if manages else None,
            "may_moderate": moderates(request, consultation),
            "hide_reasons": ReportReason.choices,
        },
    )


def _export_rows(consultation: ConsultationPage) -> tuple[list[str], list[list[Any]]]:
    """Return the header and one row per response (names unmasked: committee only)."""
    questions = list(consultation.questions.all())
    sections = list(consultation.sections.all())
    header = [_("序号"), _("参与人"), _("提交时间"), _("最后修改"), _("户数"), _("面积（㎡）")]
    header += [q.text for q in questions]
    header += [_("总体意见")] + [_("意见：%(s)s") % {"s": s.heading} for s in sections]
    rows = []
    responses = (
        Response.objects.filter(consultation=consultation)
        .select_related("user")
        .prefetch_related("answers", "opinions")
        .order_by("pk")
    )

    for n, response in enumerate(responses, 1):
        by_question: dict[int, list[str]] = {}
        # A file leaves the site: withheld words are not in it, whoever downloads it.
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(_answer_text(answer, questions))
        opinions = {
            o.section_anchor: plain_text(o.body)
            if visibility.is_shown(o)
            else visibility.withheld_line(o)
            for o in response.opinions.all()
        }
        rows.append(
            [
                n,
                response.user.display_name,
                timezone.localtime(response.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(response.updated_at).strftime("%Y-%m-%d %H:%M"),
                figures_of._fmt(response.units),
                figures_of._fmt(response.area, 2),
                *["；".join(by_question.get(q.pk, [])) for q in questions],
                opinions.get("", ""),
                *[opinions.get(s.anchor, "") for s in sections],
            ]
        )
    return header, rows


def _answer_text(answer, questions) -> str:
    if answer.choice is not None:
        question = next((q for q in questions if q.pk == answer.question_id), None)
        options = question.options() if question else []
        return options[answer.choice - 1] if 0 < answer.choice <= len(options) else ""
    if answer.scale is not None:
        return str(answer.scale)
    return visibility.answer_text_for_others(answer)


@consultation_views.register("results_export")
def results_export(request, consultation: ConsultationPage, *, fmt: str):
    """Export every response as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX."""
    _require_manager(request, consultation)
    header, rows = _export_rows(consultation)
    filename = f"consultation-{consultation.pk}-responses"
    if fmt == "csv":
        return csv_response([header, *rows], filename)
    return xlsx_response([header, *rows], filename, sheet=_("意见反馈"))


@consultation_views.register("handling")
def handling(request, consultation: ConsultationPage):
    """The committee marks every opinion (POST saves, all or nothing) and publishes the report."""
    _require_manager(request, consultation)
    form = HandlingForm.posted(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        publish = "publish" in request.POST
        saved = run_action(
            request,
            lambda: actions.save_handling(
                consultation,
                form.marks(),
                actor=request.user,
                publish=publish,
                summary=form.cleaned_data["summary"],
            ),
            form=form,
            success=lambda changed: (
                _("采纳情况已发布，参与人将收到各自意见的处理结果。")
                if publish
                else _("已保存 %(n)d 条处理结果。") % {"n": changed}
            ),
        )
        if saved:
            return redirect(consultation.subpage_url("report" if publish else "handling"))
    labels = figures_of.participant_labels(consultation, show_names=True)
    groups = figures_of.opinions_by_section(consultation, list(consultation.sections.all()), labels)
    # The committee handles withheld opinions too, reading them marked as withheld.
    visibility.mark_for_reader(
        [opinion for group in groups for opinion in group.opinions], request.user, consultation
    )
    for group in groups:
        for opinion in group.opinions:
            opinion.errors = []
            if form is not None and opinion.pk in form.opinion_ids:
                opinion.handling = form[f"handling-{opinion.pk}"].value() or ""
                opinion.reason = form[f"reason-{opinion.pk}"].value() or ""
                opinion.errors = form.errors_of(opinion.pk)
    return _render_handling(request, consultation, groups, form)


def _handling_anchor(field: str) -> str:
    """Return the id a summary link moves to: an opinion's first choice, or its reason box."""
    if field == NON_FIELD_ERRORS:
        return ""
    return f"{field}-1" if field.startswith("handling-") else field


def _render_handling(request, consultation, groups, form: HandlingForm | None):
    errors = form.errors if form is not None else {}
    response = consultation.render(
        request,
        template="consultations/consultation_handling.html",
        context_overrides={
            **_common(request, consultation),
            "groups": groups,
            "handlings": Handling.choices,
            "error_items": [
                # A missing handling links to the opinion's first choice, a reason to its box.
                (_handling_anchor(field), message)
                for field, messages in errors.items()
                for message in messages
            ],
            "unmarked": actions.unmarked_count(consultation),
            "summary": (form["summary"].value() or "") if form is not None else "",
        },
    )
    if errors:
        response.status_code = 400
    return response


@consultation_views.register("report")
def report(request, consultation: ConsultationPage):
    """The published report: every opinion by section, its handling, reason and what followed.

    Before publication only the committee sees it (as a preview), and the moderators, who
    review held opinions and may hide any opinion's words here."""
    manages = _manages(request, consultation)
    may_moderate = moderates(request, consultation)
    published = _report(consultation)
    if published is None and not (manages or may_moderate):
        raise Http404(_("采纳情况尚未发布。"))
    labels = figures_of.participant_labels(
        consultation, show_names=figures_of.names_shown(consultation, viewer_manages=False)
    )
    groups = figures_of.opinions_by_section(consultation, list(consultation.sections.all()), labels)
    mine: set[int] = set()
    if permissions.is_authenticated(request.user):
        mine = set(
            Opinion.objects.filter(
                consultation=consultation, response__user=request.user
            ).values_list("pk", flat=True)
        )
    counts = dict.fromkeys(Handling.values, 0)

    listed = [opinion for group in groups for opinion in group.opinions]
    visibility.mark_for_reader(listed, request.user, consultation)
    for opinion in listed:
        opinion.is_mine = opinion.pk in mine
        if opinion.handling:
            counts[opinion.handling] += 1
    supports.annotate(
        SupportTarget.OPINION,
        [opinion for opinion in listed if not opinion.withheld],
        request.user,
        is_own=lambda o: o.is_mine,
    )
    return consultation.render(
        request,
        template="consultations/consultation_report.html",
        context_overrides={
            **_common(request, consultation),
            "groups": groups,
            "counts": [(Handling(v).label, v, n) for v, n in counts.items()],
            "follow_ups": list(consultation.follow_ups.select_related("target_page")),
            "may_support": published is not None
            and permissions.may(request.user, "support_content", consultation.page_estate),
            "may_moderate": may_moderate,
            "hide_reasons": ReportReason.choices,
        },
    )
