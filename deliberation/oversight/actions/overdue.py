"""Overdue action items: who hears of them, and the once-a-day reminder."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.oversight.actions.common import responsible_recipients
from deliberation.oversight.models import ActionItem, local_today
from portal.community import audit, membership
from portal.community.choices import Party
from portal.notifications.api import fit_title, notify


def overdue_recipients(item: ActionItem) -> list[int]:
    """Return who hears about an overdue item: the responsible person (or, with none, the
    party's staff), the estate's committee and the community officials over it."""
    ids = set(responsible_recipients(item))
    ids.update(
        membership.party_users(item.estate, Party.COMMITTEE, Party.COMMUNITY).values_list(
            "pk", flat=True
        )
    )
    return sorted(ids)


def notify_overdue_items(today: date | None = None) -> int:
    """Remind about every overdue item once per day; return how many items were reminded.

    Idempotent: each item is claimed for the day by a conditional update before anything is
    sent, and the dedupe key names the item and the day, so a retried run sends nothing twice.
    """
    today = today or local_today()
    reminded = 0
    overdue_ids = list(
        ActionItem.objects.overdue(today)
        .exclude(overdue_notified_on=today)
        .values_list("pk", flat=True)
    )
    for pk in overdue_ids:
        with transaction.atomic():
            claimed = (
                ActionItem.objects.filter(pk=pk)
                .exclude(overdue_notified_on=today)
                .update(overdue_notified_on=today)
            )
            if not claimed:
                continue
            item = ActionItem.objects.select_related("estate").get(pk=pk)
            days = item.days_overdue(today)
            recipients = overdue_recipients(item)
            audit.record(
                "oversight.action_item.overdue_notified",
                obj=item,
                estate=item.estate,
                day=today.isoformat(),
                days_overdue=days,
                recipients=len(recipients),
            )
            notify(
                recipients,
                category="action_item",
                title=fit_title(_("督办事项已逾期：%(title)s") % {"title": item.title}),
                body=_("完成期限 %(due)s，已逾期 %(days)s 天，当前进度 %(progress)s%%。")
                % {"due": item.due_date.isoformat(), "days": days, "progress": item.progress},
                url=item.get_absolute_url(),
                estate=item.estate,
                dedupe_key=f"oversight:item:{pk}:overdue:{today.isoformat()}",
                urgency="important",
            )
            reminded += 1
    return reminded
