"""Template tags of the discussion area: a page's discussion, state badges, figures."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from deliberation.choices import ThreadState
from portal.community import permissions

register = template.Library()

STATE_CLASSES = {
    ThreadState.PENDING: "badge-urgent",
    ThreadState.IN_PROGRESS: "badge-warn",
    ThreadState.RESOLVED: "badge-ok",
    ThreadState.CLOSED: "",
}
PAGE_THREADS = 5


@register.inclusion_tag("deliberation/page_discussion.html", takes_context=True)
def page_discussion(context, page):
    """{% page_discussion page %}: the threads about a page and a "发起讨论" link.

    Shows nothing to readers who may not read the estate's discussion area (threads are
    for members and the officials over the estate, even when the page itself is public).
    """
    request = context.get("request")
    estate = getattr(page, "page_estate", None)
    user = getattr(request, "user", None)
    if (
        estate is None
        or not getattr(page, "pk", None)
        or not permissions.may(user, "view_members", estate)
    ):
        return {"hidden": True, "page": page}
    from deliberation.models import Thread

    threads = list(
        Thread.objects.filter(estate=estate, page_id=page.pk)
        .listed()
        .order_by("-last_post_at")[:PAGE_THREADS]
    )
    return {
        "page": page,
        "estate": estate,
        "threads": threads,
        "may_post": permissions.may(user, "deliberate", estate),
        "request": request,
    }


@register.simple_tag
def state_badge(thread):
    css = STATE_CLASSES.get(thread.state, "")
    return format_html('<span class="badge {}">{}</span>', css, thread.get_state_display())


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f}%"


@register.filter
def hours(value: timedelta | None) -> str:
    if value is None:
        return "—"
    total = value.total_seconds() / 3600
    if total < 1:
        return _("%(n)s 分钟") % {"n": max(1, round(total * 60))}
    return _("%(n)s 小时") % {"n": f"{total:.1f}"}
