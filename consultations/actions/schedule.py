"""Opening and reminders: the tasks scheduled when a consultation is published, the opening
notice and the reminder before the close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.actions.audience import audience_users, local
from consultations.choices import Phase
from consultations.models import ConsultationPage, Response
from portal.community import audit
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import User

OPENING_TASK = "consultations.tasks.send_opening_notice"
REMINDER_TASK = "consultations.tasks.send_closing_reminder"


def _schedule(name: str, func: str, pk: int, run_at) -> Any:
    from django_q.models import Schedule

    schedule, _created = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": func,
            "args": repr((pk,)),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": run_at,
        },
    )
    return schedule


@transaction.atomic
def on_consultation_published(consultation: ConsultationPage, *, actor: User | None = None) -> None:
    """Audit a publication and schedule the opening notice and the reminder before the close.

    Called for every publication (re-publishing an edit moves the schedules); the dedupe keys
    keep anyone from being told twice. Already open: the opening notice goes out now.
    """
    if not consultation.live:
        return
    audit.record(
        "consultation.published",
        actor=actor,
        obj=consultation,
        estate=consultation.page_estate,
        opens_at=consultation.opens_at.isoformat(),
        closes_at=consultation.closes_at.isoformat(),
        audience=consultation.audience,
    )
    now = timezone.now()
    if consultation.phase(now) == Phase.OPEN:
        send_opening_notice(consultation)
    elif consultation.phase(now) == Phase.UPCOMING:
        _schedule(
            f"consultation:{consultation.pk}:opening",
            OPENING_TASK,
            consultation.pk,
            consultation.opens_at,
        )
    if consultation.reminder_at > max(now, consultation.opens_at):
        _schedule(
            f"consultation:{consultation.pk}:reminder",
            REMINDER_TASK,
            consultation.pk,
            consultation.reminder_at,
        )


def send_opening_notice(consultation: ConsultationPage) -> int:
    """Tell the audience the consultation is open; return how many were told (0 if not open)."""
    if not consultation.live or consultation.phase() != Phase.OPEN:
        return 0
    recipients = audience_users(consultation)
    count = recipients.count()
    notify(
        recipients,
        category="consultation",
        estate=consultation.page_estate,
        title=fit_title(_("征求意见：%(title)s") % {"title": consultation.title}),
        body=_("%(purpose)s 截止时间：%(at)s。")
        % {"purpose": consultation.purpose, "at": local(consultation.closes_at)},
        url=consultation.url or "",
        dedupe_key=f"consultation:{consultation.pk}:opening",
    )
    return count


def send_closing_reminder(consultation: ConsultationPage) -> int:
    """Remind the audience members who have not responded; return how many were reminded."""
    if not consultation.live or consultation.phase() != Phase.OPEN:
        return 0
    responded = Response.objects.filter(consultation=consultation).values("user_id")
    recipients = audience_users(consultation).exclude(pk__in=responded)
    count = recipients.count()
    if count:
        notify(
            recipients,
            category="consultation",
            estate=consultation.page_estate,
            title=fit_title(_("征求意见即将截止：%(title)s") % {"title": consultation.title}),
            body=_("征求意见将于 %(at)s 截止，您还没有提交意见。")
            % {"at": local(consultation.closes_at)},
            url=consultation.url or "",
            dedupe_key=f"consultation:{consultation.pk}:reminder",
        )
    audit.record(
        "consultation.reminded",
        obj=consultation,
        estate=consultation.page_estate,
        recipients=count,
    )
    return count
