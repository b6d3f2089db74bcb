"""The moderators' acts: on the response report, an opinion's words hidden with a reason or
shown again; on the answers' list (and the results page), a questionnaire text answer's
words the same (consultations.actions.moderation). Routes of the consultation page, as the
other views; the page's own visibility applies first."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import actions, visibility
from consultations import results as figures_of
from consultations.models import Answer, ConsultationPage, Opinion
from consultations.models.pages import consultation_views
from deliberation.choices import ReportReason
from portal.community import permissions
from portal.views import run_action


def moderates(request, consultation: ConsultationPage) -> bool:
    """Return whether the reader moderates the consultation's estate."""
    estate = consultation.page_estate
    return bool(estate and permissions.may(request.user, "moderate", estate))


@consultation_views.register("moderate_opinion")
@require_POST
def moderate_opinion(request, consultation: ConsultationPage):
    """A moderator hides an opinion's words with a reason, or shows them again."""
    permissions.require(request.user, moderates(request, consultation))
    opinion_id = request.POST.get("opinion", "")
    opinion = Opinion.objects.filter(
        consultation=consultation, pk=int(opinion_id) if opinion_id.isdigit() else 0
    ).first()
    if opinion is None:
        raise Http404(_("没有这条意见。"))
    if request.POST.get("action") == "restore":
        run_action(
            request,
            lambda: actions.restore_opinion(
                opinion, request.user, seen=request.POST.get("seen", "")
            ),
            success=_("该意见已恢复显示。"),
        )
    else:
        run_action(
            request,
            lambda: actions.hide_opinion(
                opinion, request.user, reason=request.POST.get("reason", "")
            ),
            success=_("该意见已隐藏，处理结果照常公布。"),
        )
    return redirect(f"{consultation.subpage_url('report')}#opinion-{opinion.pk}")


def _posted_answer(request, consultation: ConsultationPage) -> Answer:
    answer_id = request.POST.get("answer", "")
    answer = (
        Answer.objects.filter(
            response__consultation=consultation, pk=int(answer_id) if answer_id.isdigit() else 0
        )
        .exclude(text="")
        .first()
    )
    if answer is None:
        raise Http404(_("没有这条回答。"))
    return answer


@consultation_views.register("moderate_answers")
def moderate_answers(request, consultation: ConsultationPage):
    """The moderators' list of the questionnaire's text answers, those waiting for review
    first, then the hidden ones, then the rest; POST hides one with a reason or shows it
    again (from here or from the results page, where moderators read answers too)."""
    permissions.require(request.user, moderates(request, consultation))
    if request.method == "POST":
        answer = _posted_answer(request, consultation)
        if request.POST.get("action") == "restore":
            run_action(
                request,
                lambda: actions.restore_answer(
                    answer, request.user, seen=request.POST.get("seen", "")
                ),
                success=_("该回答已恢复显示。"),
            )
        else:
            run_action(
                request,
                lambda: actions.hide_answer(
                    answer, request.user, reason=request.POST.get("reason", "")
                ),
                success=_("该回答已隐藏，问卷仍计入统计。"),
            )
        back = "results" if request.POST.get("back") == "results" else "moderate_answers"
        return redirect(f"{consultation.subpage_url(back)}#answer-{answer.pk}")
    labels = figures_of.participant_labels(
        consultation, show_names=figures_of.names_shown(consultation, viewer_manages=False)
    )
    answers = list(
        Answer.objects.filter(response__consultation=consultation)
        .exclude(text="")
        .select_related("question", "response")
        .order_by("question__sort_order", "question_id", "response_id")
    )
    visibility.mark_answers_for_reader(answers, request.user, consultation)
    for answer in answers:
        answer.participant = labels.get(answer.response_id, "")
    held = [a for a in answers if visibility.is_held(a)]
    hidden = [a for a in answers if a.hidden_at is not None]
    shown = [a for a in answers if visibility.is_shown(a)]
    return consultation.render(
        request,
        template="consultations/consultation_answer_moderation.html",
        context_overrides={
            "subpage_urls": {
                name: consultation.subpage_url(name)
                for name in ("results", "report", "moderate_answers")
            },
            "answer_groups": [
                (_("待审核"), held),
                (_("已隐藏"), hidden),
                (_("其他回答"), shown),
            ],
            "held_count": len(held),
            "may_moderate": True,
            "hide_reasons": ReportReason.choices,
        },
    )
