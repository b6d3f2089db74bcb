from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from portal.home.visibility import may_view_page
from portal.knowledge import actions
from portal.knowledge.forms import FeedbackForm
from portal.knowledge.models import ArticlePage, FAQPage, KnowledgeIndexPage
from portal.views import message_form_errors


def district_guides(request):
    """Send the reader to the district's laws and guides: the knowledge base under the home page.

    A fixed address (`knowledge:guides`) for the footer and other links, so no page has to
    look the section up, and an editor may rename its slug without breaking them.
    """
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    index = (
        KnowledgeIndexPage.objects.child_of(root).live().order_by("path").first() if root else None
    )
    if index is None:
        raise Http404
    return redirect(index.url)


@login_required
@require_POST
def feedback(request, page_id: int):
    """Record "was this helpful" for an article or FAQ the reader may open."""
    page = get_object_or_404(Page.objects.live().type(ArticlePage, FAQPage), pk=page_id).specific
    if not may_view_page(request.user, page):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if form.is_valid():
        actions.record_feedback(page, request.user, **form.cleaned_data)
        messages.success(request, _("谢谢您的反馈！"))
    else:
        message_form_errors(request, form)
    return redirect(page.url + "#feedback")
