"""Daily reminders to the property company about disclosures falling due or overdue.

The committee and the community hear of a missing disclosure through the dashboard's daily
alerts (disclosures.dashboard.DisclosureFigures.alerts); the company is reminded here: a week
before the due day, on the day, and weekly once it is overdue, until it is published.
"""

from __future__ import annotations

from datetime import date, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures import deadlines
from disclosures.actions.common import notify_about, party_ids
from disclosures.models import Disclosure
from portal import schedules
from portal.community.choices import Party
from portal.community.models import Estate

SCHEDULE_NAME = "disclosures.reminders"
SCHEDULE_FUNC = "disclosures.tasks.send_reminders"
SEND_AT = time(9, 0)
BEFORE_DAYS = (7, 0)


def reminder_kind(due: date, today: date) -> str | None:
    """Return "soon", "today" or "overdue" on the days a reminder is due, else None."""
    days_left = (due - today).days
    if days_left == BEFORE_DAYS[0]:
        return "soon"
    if days_left == 0:
        return "today"
    if days_left < 0 and (-days_left) % 7 == 1:
        return "overdue"
    return None


def send_reminders(today: date | None = None) -> int:
    """Remind each estate's property company of its unpublished disclosures; return how many
    reminders were issued (the dedupe key carries the day, so a retry sends nothing twice)."""
    today = today or timezone.localdate()
    estates = list(Estate.objects.select_related("community"))
    published: dict[int, set[date]] = {}
    first: dict[int, date] = {}
    for estate_id, start, at in Disclosure.objects.values_list(
        "estate_id", "period_start", "published_at"
    ):
        first[estate_id] = min(first.get(estate_id, start), start)
        if at is not None:
            published.setdefault(estate_id, set()).add(start)
    rules = deadlines.rules_for([e.pk for e in estates], first_starts=first)
    sent = 0
    for estate in estates:
        for period in deadlines.expected_periods(rules[estate.pk], until=today):
            if period.end >= today or period.start in published.get(estate.pk, set()):
                continue
            kind = reminder_kind(period.due, today)
            if kind is None:
                continue
            if kind == "overdue":
                title = _("%(period)s 信息公开已逾期（应于 %(due)s 前公开）")
            else:
                title = _("%(period)s 信息公开请于 %(due)s 前公开")
            notify_about(
                party_ids(estate, Party.PROPERTY),
                estate=estate,
                title=title % {"period": period.label, "due": period.due.isoformat()},
                url=reverse("disclosures:estate_index", args=[estate.slug]),
                key=f"disclosures:reminder:{estate.pk}:{period.start.isoformat()}:{kind}:{today.isoformat()}",
                category="action_item",
                urgency="important" if kind == "overdue" else "normal",
            )
            sent += 1
    return sent


def ensure_schedule(*, using: str = "default", **_kwargs) -> None:
    from django_q.models import Schedule

    schedules.ensure_schedule(
        SCHEDULE_NAME,
        SCHEDULE_FUNC,
        using=using,
        schedule_type=Schedule.DAILY,
        next_run=schedules.next_local(SEND_AT),
    )
