"""What the disclosure acts share: the refusal, links, recipients, the notification, the lock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disclosures.checks import Problem
from disclosures.models import Disclosure
from portal.community.membership import party_user_ids
from portal.community.models import Estate
from portal.notifications.api import notify

REASON_MAX = 500
QUESTION_TITLE_MAX = 120


class Refused(ValidationError):
    """The change was refused; `problems` lists every reason (nothing was changed).

    A ValidationError whose messages say where each problem is, so a view shows it like any
    other refusal (portal.views.run_action)."""

    def __init__(self, problems: list[Problem]):
        super().__init__([f"{p.where()}：{p.message}" for p in problems])
        self.problems = problems


def disclosure_url(disclosure: Disclosure) -> str:
    return reverse("disclosures:detail", args=[disclosure.estate.slug, disclosure.pk])


def notify_about(
    recipients: Iterable[int],
    *,
    estate: Estate,
    title: str,
    url: str,
    key: str,
    actor: Any = None,
    body: str = "",
    category: str = "notice",
    urgency: str = "normal",
):
    return notify(
        list(recipients),
        category=category,
        title=title[:100],
        body=body[:2000],
        url=url,
        urgency=urgency,
        estate=estate,
        dedupe_key=key,
        actor=actor,
    )


def party_ids(estate: Estate, party: str) -> list[int]:
    return party_user_ids(estate, party)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def lock_disclosure(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().select_related("estate").get(pk=disclosure.pk)
