"""Deadlines of issue reports: escalating overdue ones level by level, and the periodic sweep."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions.common import thread_url
from deliberation.actions.resolution import auto_close
from deliberation.choices import (
    DeadlineKind,
    DeadlineStatus,
    EscalationLevel,
    ThreadKind,
    ThreadState,
)
from deliberation.models import DeliberationSettings, Escalation, Thread
from portal.community import audit, membership
from portal.community.choices import Party
from portal.notifications.api import notify


def overdue_reports(now: datetime):
    """Return the reports overdue at `now` (the one definition: Thread.objects.overdue)."""
    return Thread.objects.overdue(now).select_related("estate__community")


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every overdue report one level at a time; return how many escalations were made.

    Level 1 (the committee) as soon as a deadline passes; level 2 (the community officials)
    once a further second_escalation_hours have passed. Each (report, deadline, level) is
    escalated once: the unique Escalation row and the notification's dedupe key make a
    retried or overlapping run a no-op.
    """
    now = now or timezone.now()
    made = 0
    settings_cache: dict[int, DeliberationSettings] = {}
    for thread in overdue_reports(now):
        estate = thread.estate
        if estate.pk not in settings_cache:
            settings_cache[estate.pk] = DeliberationSettings.for_estate(estate)
        further = timedelta(hours=settings_cache[estate.pk].second_escalation_hours)
        due: list[tuple[str, datetime]] = []
        if thread.response_status(now) == DeadlineStatus.MISSED:
            due.append((DeadlineKind.RESPONSE, thread.response_due_at))
        if thread.closure_status(now) == DeadlineStatus.MISSED:
            due.append((DeadlineKind.CLOSURE, thread.close_due_at))
        for deadline, due_at in due:
            levels = [EscalationLevel.COMMITTEE]
            if now > due_at + further:
                levels.append(EscalationLevel.COMMUNITY)
            for level in levels:
                made += _escalate(thread, deadline, level, now=now)
    return made


def _escalate(thread: Thread, deadline: str, level: int, *, now: datetime) -> int:
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                thread=thread, deadline=deadline, level=level, created_at=now
            )
            party = Party.COMMITTEE if level == EscalationLevel.COMMITTEE else Party.COMMUNITY
            recipients = membership.party_user_ids(thread.estate, party)
            audit.record(
                "deliberation.escalated",
                actor=None,
                obj=thread,
                estate=thread.estate,
                deadline=deadline,
                level=level,
                responsible_party=thread.responsible_party,
                recipient_count=len(recipients),
            )
            what = DeadlineKind(deadline).label
            notify(
                recipients,
                category="deliberation",
                estate=thread.estate,
                title=_("问题反映%(what)s逾期，请督办") % {"what": what},
                body=_("责任方：%(party)s。请督促处理。")
                % {"party": Party(thread.responsible_party).label},
                url=thread_url(thread),
                dedupe_key=f"deliberation:thread:{thread.pk}:escalation:{deadline}:{level}",
                urgency="urgent",
                subject=thread,
            )
    except IntegrityError:
        return 0  # escalated already (by an earlier or a concurrent run)
    return 1 if escalation else 0


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: escalate overdue reports and close resolved ones that are due."""
    now = now or timezone.now()
    escalated = escalate_overdue(now=now)
    closed = 0
    for thread_id in Thread.objects.filter(
        kind=ThreadKind.ISSUE, state=ThreadState.RESOLVED
    ).values_list("pk", flat=True):
        closed += auto_close(thread_id, now=now)
    return {"escalated": escalated, "closed": closed}
