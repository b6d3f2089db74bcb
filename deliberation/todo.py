"""Issue reports waiting for their reporter's confirmation, for the to-do list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from deliberation.choices import ThreadKind, ThreadState
from deliberation.models import DeliberationSettings, Thread
from portal.community.models import Estate
from portal.home.todo import Todo


def reports_to_confirm(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """The member's issue reports marked resolved, waiting for them to confirm (or reopen)."""
    by_pk = {e.pk: e for e in estates}
    threads = Thread.objects.filter(
        author=user, kind=ThreadKind.ISSUE, state=ThreadState.RESOLVED, estate_id__in=by_pk
    ).order_by("resolved_at")
    hours: dict[int, int] = {}
    for thread in threads:
        estate = by_pk[thread.estate_id]
        if estate.pk not in hours:
            hours[estate.pk] = DeliberationSettings.for_estate(estate).auto_close_hours
        due = thread.resolved_at + timedelta(hours=hours[estate.pk]) if thread.resolved_at else None
        yield Todo(_("确认解决"), thread.shown_title, thread.get_absolute_url(), estate, due)
