"""Views of the consultations app, served as routes of the page (so page visibility applies
first). Thin: read input, ask the permissions module, call an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import actions
from consultations import results as figures_of
from consultations.answers import opinion_field_name
from consultations.choices import SCALE_MIN, Handling, QuestionKind
from consultations.models import ConsultationPage, Opinion, Response, ResponseReport
from consultations.models.pages import consultation_views
from portal.community import permissions
from portal.community.lookups import LoginRequired
from portal.spreadsheets import csv_response, xlsx_response
from proposals import supports
from proposals.choices import SupportTarget
from themes.sanitiser import plain_text

ROUTES = ("respond", "results", "results_csv", "results_xlsx", "handling", "report")


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


def _saved_values(response: Response | None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Return a saved response as the form's values: {field: [values]}, {anchor: text}."""
    if response is None:
        return {}, {}
    values: dict[str, list[str]] = {}
    for answer in response.answers.all():
        value = answer.choice or answer.scale or answer.text
        values.setdefault(f"q{answer.question_id}", []).append(str(value))
    opinions = {o.section_anchor: editable_text(o.body) for o in response.opinions.all()}
    return values, opinions


def editable_text(html: str) -> str:
    """Return stored opinion HTML as the text its author typed (line breaks kept)."""
    for tag in ("<br>", "<br/>", "<br />", "</p>"):
        html = html.replace(tag, tag + "\n")
    return plain_text(html)


def _posted(request, consultation: ConsultationPage, questions, sections):
    answers = {q.pk: request.POST.getlist(q.field_name) for q in questions}
    opinions = {s.anchor: request.POST.get(f"opinion-{s.anchor}", "") for s in sections}
    opinions[""] = request.POST.get("opinion-overall", "")
    values = {q.field_name: answers[q.pk] for q in questions}
    return answers, opinions, values


@consultation_views.register("detail")
def consultation_detail(request, consultation: ConsultationPage, *, overrides=None):
    """Show the draft, the questionnaire (or the reader's saved response) and the links."""
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
    values, opinion_texts = _saved_values(response)
    refusal = actions.refusal(user, consultation) if permissions.is_authenticated(user) else None
    context: dict[str, Any] = _common(request, consultation)
    my_opinions = []
    if response is not None and context["report"] is not None:
        my_opinions = list(response.opinions.all())
    context |= {
        "questions": questions,
        "sections": sections,
        "response": response,
        "values": values,
        "opinion_texts": opinion_texts,
        "refusal": refusal,
        "may_respond": permissions.is_authenticated(user) and refusal is None,
        "my_opinions": my_opinions,
        "field_errors": {},
    }
    context.update(overrides or {})
    field_errors: dict[str, list[str]] = context["field_errors"]
    for question in questions:
        question.chosen = context["values"].get(question.field_name, [])
        question.errors = field_errors.get(question.field_name, [])
    for section in sections:
        section.opinion_text = context["opinion_texts"].get(section.anchor, "")
        section.errors = field_errors.get(opinion_field_name(section.anchor), [])
    context["overall_text"] = context["opinion_texts"].get("", "")
    context["overall_errors"] = field_errors.get(opinion_field_name(""), [])
    context["error_items"] = _error_items(field_errors, questions)
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
def respond(request, consultation: ConsultationPage):
    """Save the reader's response (POST); on a refusal show the form again with every error."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        raise LoginRequired
    questions = list(consultation.questions.all())
    sections = list(consultation.sections.all())
    answers, opinions, values = _posted(request, consultation, questions, sections)
    try:
        response = actions.submit_response(
            consultation, request.user, answers=answers, opinions=opinions
        )
    except ValidationError as error:
        page = consultation_detail(
            request,
            consultation,
            overrides={
                "field_errors": error.message_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.messages},
                "values": values,
                "opinion_texts": {k: v for k, v in opinions.items() if v},
            },
        )
        page.status_code = 400
        return page
    if response.edit_count:
        messages.success(request, _("您的意见已更新。截止前您仍可修改。"))
    else:
        messages.success(request, _("感谢参与！您的意见已提交，截止前可以修改。"))
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
    return consultation.render(
        request,
        template="consultations/consultation_results.html",
        context_overrides={
            **_common(request, consultation),
            "results": figures,
            "audience_size": actions.audience_users(consultation).count() if manages else None,
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
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(_answer_text(answer, questions))
        opinions = {o.section_anchor: plain_text(o.body) for o in response.opinions.all()}
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
    return answer.text


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
    errors: dict[str, list[str]] = {}
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("opinion") if v.isdigit()]
        posted = {
            pk: (request.POST.get(f"handling-{pk}", ""), request.POST.get(f"reason-{pk}", ""))
            for pk in ids
        }
        try:
            changed = actions.save_handling(
                consultation,
                posted,
                actor=request.user,
                publish="publish" in request.POST,
                summary=request.POST.get("summary", ""),
            )
        except ValidationError as error:
            errors = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.messages}
            )
        else:
            if "publish" in request.POST:
                messages.success(request, _("采纳情况已发布，参与人将收到各自意见的处理结果。"))
                return redirect(consultation.subpage_url("report"))
            messages.success(request, _("已保存 %(n)d 条处理结果。") % {"n": changed})
            return redirect(consultation.subpage_url("handling"))
    labels = figures_of.participant_labels(consultation, show_names=True)
    groups = figures_of.opinions_by_section(consultation, list(consultation.sections.all()), labels)
    for group in groups:
        for opinion in group.opinions:
            if opinion.pk in posted:
                opinion.handling, opinion.reason = posted[opinion.pk]
            opinion.errors = errors.get(f"handling-{opinion.pk}", []) + errors.get(
                f"reason-{opinion.pk}", []
            )
    return _render_handling(request, consultation, groups, errors, posted)


def _handling_anchor(field: str) -> str:
    """Return the id a summary link moves to: an opinion's first choice, or its reason box."""
    if field == NON_FIELD_ERRORS:
        return ""
    return f"{field}-1" if field.startswith("handling-") else field


def _render_handling(request, consultation, groups, errors, posted):
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
            "summary": request.POST.get("summary", "") if request.method == "POST" else "",
        },
    )
    if errors:
        response.status_code = 400
    return response


@consultation_views.register("report")
def report(request, consultation: ConsultationPage):
    """The published report: every opinion by section, its handling, reason and what followed.

    Before publication only the committee sees it (as a preview)."""
    manages = _manages(request, consultation)
    published = _report(consultation)
    if published is None and not manages:
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

    shown = [opinion for group in groups for opinion in group.opinions]
    for opinion in shown:
        opinion.is_mine = opinion.pk in mine
        if opinion.handling:
            counts[opinion.handling] += 1
    supports.annotate(SupportTarget.OPINION, shown, request.user, is_own=lambda o: o.is_mine)
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
        },
    )
