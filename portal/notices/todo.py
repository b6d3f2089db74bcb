"""Notices waiting for the member's 已阅, for the to-do list (portal.home.todo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.membership import member_units
from portal.community.models import Estate
from portal.home.todo import Todo, estate_hub
from portal.home.visibility import may_view_page
from portal.notices.choices import TimeState
from portal.notices.models import Acknowledgement, NoticePage
from portal.notices.scope import unit_in_scope


def notices_to_acknowledge(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Notices in the member's scope that ask for 已阅 and that they have not acknowledged."""
    done = set(Acknowledgement.objects.filter(user=user).values_list("notice_id", flat=True))
    now = timezone.now()
    for estate in estates:
        if (hub := estate_hub(estate)) is None:
            continue
        pages = (
            NoticePage.objects.live()
            .filter(requires_acknowledgement=True)
            .exclude(pk__in=done)
            .descendant_of(hub)
            .prefetch_related("buildings")
        )
        units = None  # the member's units here, read once for all the estate's notices
        for notice in pages:
            # Below the estate's hub, so of this estate: not looked up again per notice.
            notice.page_estate = estate
            if notice.time_state(now) == TimeState.EXPIRED or not may_view_page(user, notice):
                continue
            if units is None:
                units = list(member_units(user, estate))
            if unit_in_scope(user, notice, units) is None:
                continue
            yield Todo(_("公告确认"), notice.title, notice.url, estate, notice.listed_until)
