"""Pages of the owners' service evaluation: the list, the questionnaire and results, opening,
publishing, the company's answer and turning its plan into action items."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation.metrics import report_figures
from disclosures import evaluations
from disclosures.forms import EvaluationForm, OpenEvaluationForm, ReplyForm
from disclosures.lookups import get_evaluation
from disclosures.models import EvaluationResponse, ImprovementItem, ServiceEvaluation
from portal.community import permissions
from portal.community.choices import Party
from portal.community.lookups import get_estate
from portal.dashboard.figures import SCORE, SHARE, format_value
from portal.dashboard.period import Period
from portal.views import message_form_errors, run_action


def _issue_figures(evaluation: ServiceEvaluation):
    """Return the property company's issue-report figures over the evaluation's year (the
    one definition, deliberation.metrics.report_figures)."""
    today = timezone.localdate()
    period = Period(
        first=date(evaluation.year, 1, 1), last=min(date(evaluation.year, 12, 31), today)
    )
    if period.last < period.first:
        return None
    figures = report_figures([evaluation.estate_id], period, party=Party.PROPERTY).get(
        evaluation.estate_id
    )
    return figures.party(Party.PROPERTY) if figures else None


def _result_rows(results) -> list[dict]:
    text, change = evaluations.score_text, evaluations.change_text
    return [
        {
            "area": a.area,
            "label": a.label,
            "by_heads": text(a.by_heads),
            "by_area": text(a.by_area),
            "previous": text(a.previous_by_heads),
            "change": change(a.change_by_heads),
        }
        for a in results.areas
    ]


def _overall_row(results) -> dict:
    text = evaluations.score_text
    previous = results.previous_overall_by_heads
    current = results.overall_by_heads
    return {
        "by_heads": text(current),
        "by_area": text(results.overall_by_area),
        "previous": text(previous),
        "change": evaluations.change_text(
            current - previous if current is not None and previous is not None else None
        ),
    }


def _issue_text(figures) -> dict:
    if figures is None:
        return {}
    return {
        "answered": format_value(figures.answered_on_time_share, SHARE),
        "closed": format_value(figures.closed_on_time_share, SHARE),
        "satisfaction": format_value(figures.satisfaction, SCORE),
    }


@require_GET
def index(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="view_members")
    items = list(ServiceEvaluation.objects.filter(estate=estate).order_by("-year", "-opens_at"))
    return render(
        request,
        "disclosures/evaluation_index.html",
        {
            "estate": estate,
            "evaluations": items,
            "may_open": permissions.may(request.user, "review_disclosures", estate),
            "open_form": OpenEvaluationForm(initial={"year": timezone.localdate().year}),
        },
    )


@require_POST
def open_evaluation(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="review_disclosures")
    form = OpenEvaluationForm(request.POST)
    if form.is_valid():
        opened = run_action(
            request,
            lambda: evaluations.open_evaluation(estate, request.user, **form.cleaned_data),
            form=form,
            success=_("已发起满意度测评。"),
        )
        if opened:
            return redirect("disclosures:evaluation", estate.slug, opened.value.pk)
    items = list(ServiceEvaluation.objects.filter(estate=estate))
    return render(
        request,
        "disclosures/evaluation_index.html",
        {
            "estate": estate,
            "evaluations": items,
            "may_open": True,
            "open_form": form,
        },
        status=422,
    )


@require_http_methods(["GET", "POST"])
def detail(request, estate_slug: str, pk: int):
    evaluation = get_evaluation(request, estate_slug, pk)
    estate = evaluation.estate
    may_review = permissions.may(request.user, "review_disclosures", estate)
    head = evaluations.head_of(request.user, estate)
    answered = (
        bool(head)
        and EvaluationResponse.objects.filter(evaluation=evaluation, identity=head).exists()
    )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            request,
            lambda: evaluations.respond(
                evaluation,
                request.user,
                scores={a: data[f"score_{a}"] for a in evaluations.ServiceArea.values},
                comments={a: data[f"comment_{a}"] for a in evaluations.ServiceArea.values},
                comment=data["comment"],
            ),
            form=form,
            success=_("感谢参与，您的测评已提交。"),
            denied_as_message=True,
        ):
            return redirect("disclosures:evaluation", estate.slug, evaluation.pk)
    show_results = (
        bool(evaluation.published_at)
        or may_review
        or permissions.may(request.user, "enter_disclosures", estate)
    )
    reply = getattr(evaluation, "reply", None) if evaluation.published_at else None
    results = evaluations.results(evaluation) if show_results else None
    issue_figures = _issue_figures(evaluation) if show_results else None
    context = {
        "estate": estate,
        "evaluation": evaluation,
        "result_rows": _result_rows(results) if results else [],
        "overall": _overall_row(results) if results else None,
        "issue_text": _issue_text(issue_figures),
        "form": form,
        "may_answer": bool(head) and not answered and evaluation.is_open(),
        "answered": answered,
        "is_owner": bool(head),
        "may_review": may_review,
        "may_reply": permissions.may(request.user, "enter_disclosures", estate)
        and bool(evaluation.published_at)
        and reply is None,
        "results": results,
        "issue_figures": issue_figures,
        "reply": reply,
        "reply_items": list(reply.items.select_related("action_item")) if reply else [],
        "reply_form": ReplyForm(),
        "score_text": evaluations.score_text,
    }
    return render(
        request,
        "disclosures/evaluation.html",
        context,
        status=422 if form.errors else 200,
    )


@require_POST
def publish(request, estate_slug: str, pk: int):
    evaluation = get_evaluation(request, estate_slug, pk, action="review_disclosures")
    run_action(
        request,
        lambda: evaluations.publish_results(evaluation, request.user),
        success=_("测评结果已公布。"),
    )
    return redirect("disclosures:evaluation", evaluation.estate.slug, evaluation.pk)


@require_POST
def reply(request, estate_slug: str, pk: int):
    evaluation = get_evaluation(request, estate_slug, pk, action="enter_disclosures")
    form = ReplyForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: evaluations.reply(
                evaluation,
                request.user,
                body=form.cleaned_data["body"],
                plan=form.cleaned_data["plan"],
            ),
            success=_("答复已公开。"),
        )
    else:
        message_form_errors(request, form)
    return redirect("disclosures:evaluation", evaluation.estate.slug, evaluation.pk)


@require_POST
def make_action_item(request, estate_slug: str, pk: int, item_id: int):
    evaluation = get_evaluation(request, estate_slug, pk, action="create_action_items")
    item = get_object_or_404(ImprovementItem, reply__evaluation=evaluation, pk=item_id)
    made = run_action(
        request,
        lambda: evaluations.make_action_item(item, request.user),
        success=_("已设为督办事项。"),
    )
    if not made:
        return redirect("disclosures:evaluation", evaluation.estate.slug, evaluation.pk)
    return redirect(made.value.get_absolute_url())
