"""Template tags of the discussion area: a page's discussion, state badges, figures."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html

from deliberation.choices import ThreadState
from deliberation.models import Thread
from portal.community import permissions
from portal.dashboard.figures import HOURS, SCORE, SHARE, format_value

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


# The figures are shown exactly as the dashboard shows them (one formatter, one rounding).


@register.filter
def percent(value) -> str:
    """Return a share as the dashboard shows it: 73.7%, or — for nothing to measure."""
    return format_value(value, SHARE)


@register.filter
def hours(value: timedelta | None) -> str:
    """Return a duration in hours as the dashboard shows it: 9.5 小时, or —."""
    return format_value(value.total_seconds() / 3600 if value is not None else None, HOURS)


@register.filter
def score(value) -> str:
    """Return a mean rating as the dashboard shows it: 4.50, or —."""
    return format_value(value, SCORE)
