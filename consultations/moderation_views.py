"""The moderators' act on the response report: an opinion's words hidden with a reason, or
shown again (consultations.actions.moderation). A route of the consultation page, as the
other views; the page's own visibility applies first."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import actions
from consultations.models import ConsultationPage, Opinion
from consultations.models.pages import consultation_views
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
