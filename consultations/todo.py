"""Consultations waiting for the member's answer, for the to-do list (portal.home.todo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.actions import is_in_audience
from consultations.models import ConsultationPage, Response
from portal.community.models import Estate
from portal.home.todo import Todo, estate_hub


def open_consultations(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Open consultations asking the member that they have not answered."""
    now = timezone.now()
    answered = set(Response.objects.filter(user=user).values_list("consultation_id", flat=True))
    for estate in estates:
        if (hub := estate_hub(estate)) is None:
            continue
        pages = (
            ConsultationPage.objects.live()
            .filter(opens_at__lte=now, closes_at__gt=now)
            .exclude(pk__in=answered)
            .descendant_of(hub)
        )
        for page in pages:
            if is_in_audience(user, page):
                yield Todo(_("征求意见"), page.title, page.url, estate, page.closes_at)
