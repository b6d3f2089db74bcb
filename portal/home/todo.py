"""What waits for a member (待办): one list from a small registry of providers.

Each capability contributes a provider, `provider(user, estates) -> Iterable[Todo]`, named in
PROVIDER_PATHS (like the dashboard's sources). The estate page shows the list for that estate,
/me/ for all the member's estates, nearest deadline first (items without one last).

Another app plugs in by adding its provider's dotted path to PROVIDER_PATHS; `from_objects`
turns whatever a capability already returns (objects or dicts with a title, url, estate and
deadline) into items, as `petitions_to_sign` does with the petitions' `petitions_awaiting(user)`
(listed now, silent until voting.petitions is installed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.community import permissions
from portal.community.models import Estate

PROVIDER_PATHS: tuple[str, ...] = (
    "portal.home.todo.notices_to_acknowledge",
    "portal.home.todo.open_votes",
    "portal.home.todo.open_consultations",
    "proposals.todo.proposals_to_support",
    "portal.home.todo.petitions_to_sign",
    "portal.home.todo.reports_to_confirm",
)
LIMIT = 30


@dataclass(frozen=True)
class Todo:
    """One thing the member should do: what kind, what, where, by when."""

    kind: Any  # a short label: 公告确认, 投票, 征求意见, 提案支持, 确认解决
    title: str
    url: str
    estate: Estate
    due_at: datetime | None = None

    @property
    def sort_key(self) -> tuple[int, float]:
        return (0, self.due_at.timestamp()) if self.due_at else (1, 0.0)


Provider = Callable[[Any, Sequence[Estate]], Iterable[Todo]]


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(import_string(path) for path in PROVIDER_PATHS)


def todos_for(user: Any, estate: Estate | None = None) -> list[Todo]:
    """Return what waits for the user in the estate (or in all their estates), soonest first."""
    if not permissions.is_authenticated(user):
        return []
    if estate is not None:
        estates = [estate] if permissions.is_member(user, estate) else []
    else:
        ids = permissions.member_estate_ids(user)
        estates = list(Estate.objects.filter(pk__in=ids).order_by("name"))
    if not estates:
        return []
    items = [item for provider in providers() for item in provider(user, estates)]
    return sorted(items, key=lambda item: item.sort_key)[:LIMIT]


def from_objects(objects: Iterable[Any], *, kind: Any, estates: Sequence[Estate]) -> list[Todo]:
    """Wrap objects or dicts as to-do items of the given estates (others are left out).

    Each has a title, a url (or get_absolute_url()), an estate (or estate_id) and a deadline
    (`due_at` or `deadline`, None for none).
    """
    wanted = {e.pk: e for e in estates}
    items = []
    for obj in objects:
        read = obj.get if isinstance(obj, dict) else lambda name, o=obj: getattr(o, name, None)
        estate_id = read("estate_id") or getattr(read("estate"), "pk", None)
        estate = wanted.get(estate_id)
        if estate is None:
            continue
        url = read("url") or obj.get_absolute_url()
        due = read("due_at") or read("deadline")
        items.append(Todo(kind, str(read("title")), url, estate, due))
    return items


def _estate_page(estate: Estate):
    """Return the estate's hub page, or None for an estate without one."""
    from portal.home.models import EstatePage

    return EstatePage.objects.filter(estate=estate).first()


# --- the portal's own providers ------------------------------------------------------------


def notices_to_acknowledge(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Notices in the member's scope that ask for 已阅 and that they have not acknowledged."""
    from portal.home.visibility import may_view_page
    from portal.notices.choices import TimeState
    from portal.notices.models import Acknowledgement, NoticePage
    from portal.notices.scope import unit_in_scope

    done = set(Acknowledgement.objects.filter(user=user).values_list("notice_id", flat=True))
    now = timezone.now()
    for estate in estates:
        if (hub := _estate_page(estate)) is None:
            continue
        pages = (
            NoticePage.objects.live()
            .filter(requires_acknowledgement=True)
            .exclude(pk__in=done)
            .descendant_of(hub)
            .prefetch_related("buildings")
        )
        for notice in pages:
            if notice.time_state(now) == TimeState.EXPIRED or not may_view_page(user, notice):
                continue
            if unit_in_scope(user, notice) is None:
                continue
            yield Todo(_("公告确认"), notice.title, notice.url, estate, notice.listed_until)


def open_votes(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Assemblies open for voting where a right the member may exercise has no ballot yet."""
    from voting.choices import AssemblyState
    from voting.lookups import rights_for_voter
    from voting.models import AssemblyPage, Ballot

    now = timezone.now()
    for estate in estates:
        if (hub := _estate_page(estate)) is None:
            continue
        assemblies = AssemblyPage.objects.live().filter(state=AssemblyState.OPEN).descendant_of(hub)
        for assembly in assemblies:
            if not assembly.is_voting_window(now):
                continue
            rights = {r.right.pk for r in rights_for_voter(user, assembly)}
            if not rights:
                continue
            voted = set(
                Ballot.objects.filter(assembly=assembly, right_id__in=rights).values_list(
                    "right_id", flat=True
                )
            )
            if rights - voted:
                yield Todo(
                    _("投票"), assembly.title, assembly.url, estate, assembly.voting_closes_at
                )


def open_consultations(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Open consultations asking the member that they have not answered."""
    from consultations.actions import is_in_audience
    from consultations.models import ConsultationPage, Response

    now = timezone.now()
    answered = set(Response.objects.filter(user=user).values_list("consultation_id", flat=True))
    for estate in estates:
        if (hub := _estate_page(estate)) is None:
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


PETITIONS_MODULE = "voting.petitions.actions"


def petitions_to_sign(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Petitions for an extraordinary meeting the owner may sign (#16 item 1), once that
    capability is installed: its `petitions_awaiting(user)` answers, this only lists."""
    from importlib.util import find_spec

    if find_spec("voting.petitions") is None:
        return []
    awaiting = import_string(f"{PETITIONS_MODULE}.petitions_awaiting")
    return from_objects(awaiting(user), kind=_("联名提议"), estates=estates)


def reports_to_confirm(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """The member's issue reports marked resolved, waiting for them to confirm (or reopen)."""
    from deliberation.choices import ThreadKind, ThreadState
    from deliberation.models import DeliberationSettings, Thread

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
