"""Alerts: what the figures say someone must act on, shown on the dashboard and sent daily."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from portal import schedules
from portal.community.choices import RoleKind
from portal.community.models import Estate, Role
from portal.dashboard.figures import Alert
from portal.dashboard.period import Period
from portal.dashboard.registry import sources
from portal.notifications.api import notify
from portal.notifications.choices import NotificationCategory, Urgency

SCHEDULE_NAME = "dashboard.daily_alerts"
SCHEDULE_FUNC = "portal.dashboard.alerts.send_daily_alerts"
# Morning, Beijing time: officials start the day with what is overdue.
SEND_AT = time(8, 30)
LOOKBACK_DAYS = 30


def response_share_threshold() -> float:
    """The 24 h response share below which an estate is flagged (0–1)."""
    return getattr(settings, "GONGZHI_RESPONSE_ALERT_PERCENT", 80) / 100


def collect(estate_ids: Sequence[int], period: Period) -> list[Alert]:
    alerts: list[Alert] = []
    for source in sources():
        alerts.extend(source.alerts(estate_ids, period))
    return alerts


def recipients_for(estates: Sequence[Estate]) -> dict[int, list[Any]]:
    """Return {estate id: users}: the officials over each estate and its committee chair."""
    by_estate: dict[int, set[int]] = defaultdict(set)
    community_of = {e.pk: e.community_id for e in estates}
    sub_district_of = {e.pk: e.community.sub_district_id for e in estates}
    roles = Role.objects.active().filter(
        Q(kind=RoleKind.COMMUNITY_OFFICIAL, community_id__in=set(community_of.values()))
        | Q(kind=RoleKind.SUBDISTRICT_OFFICIAL, sub_district_id__in=set(sub_district_of.values()))
        | Q(kind=RoleKind.COMMITTEE_CHAIR, estate_id__in=list(community_of))
    )
    for kind, user_id, estate_id, community_id, sub_district_id in roles.values_list(
        "kind", "user_id", "estate_id", "community_id", "sub_district_id"
    ):
        for e in estates:
            if (
                (kind == RoleKind.COMMITTEE_CHAIR and estate_id == e.pk)
                or (kind == RoleKind.COMMUNITY_OFFICIAL and community_id == community_of[e.pk])
                or (
                    kind == RoleKind.SUBDISTRICT_OFFICIAL
                    and sub_district_id == sub_district_of[e.pk]
                )
            ):
                by_estate[e.pk].add(user_id)
    users = get_user_model().objects.in_bulk({u for ids in by_estate.values() for u in ids})
    return {pk: [users[u] for u in ids if u in users] for pk, ids in by_estate.items()}


def send_daily_alerts(today: date | None = None) -> int:
    """Notify each estate's officials and chair of today's alerts; return how many were sent.

    The dedupe key carries the day, so a retried task sends nothing twice, while an alert
    that stays true is repeated the next morning until someone acts.
    """
    today = today or timezone.localdate()
    period = Period(first=today - timedelta(days=LOOKBACK_DAYS - 1), last=today)
    estates = list(Estate.objects.select_related("community"))
    by_pk = {e.pk: e for e in estates}
    alerts = collect(list(by_pk), period)
    people = recipients_for(estates)
    sent = 0
    for alert in alerts:
        recipients = people.get(alert.estate_id, [])
        if not recipients or not alert.notify:
            continue
        notify(
            recipients,
            category=NotificationCategory.ACTION_ITEM,
            title=alert.message[:100],
            body=alert.message,
            url=alert.url,
            urgency=Urgency.IMPORTANT if alert.severity == "danger" else Urgency.NORMAL,
            estate=by_pk[alert.estate_id],
            dedupe_key=f"dashboard-alert:{alert.key}:{today.isoformat()}",
        )
        sent += 1
    return sent


def ensure_schedule(*, using: str = "default", **_kwargs) -> None:
    """Create the daily alerts schedule once, after migrate (as notifications does)."""
    from django_q.models import Schedule

    schedules.ensure_schedule(
        SCHEDULE_NAME,
        SCHEDULE_FUNC,
        using=using,
        schedule_type=Schedule.DAILY,
        next_run=schedules.next_local(SEND_AT),
    )
