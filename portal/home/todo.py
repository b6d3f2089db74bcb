"""What waits for a member (待办): one list from a small registry of providers.

Each capability contributes a provider, `provider(user, estates) -> Iterable[Todo]`, and
registers it from its AppConfig.ready() with `register_todo(provider, order=…)` (like the
dashboard's figures); the core names no feature. The estate page shows the list for that
estate, /me/ for all the member's estates, nearest deadline first (items without one last).
`from_objects` turns whatever a capability already returns (objects or dicts with a title,
url, estate and deadline) into items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.community import permissions
from portal.community.models import Estate
from portal.home.models import EstatePage

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


_registered: dict[str, tuple[int, Provider]] = {}


def register_todo(provider: Provider, *, order: int) -> None:
    """Add a provider to every member's to-do list (idempotent per function)."""
    _registered[f"{provider.__module__}.{provider.__qualname__}"] = (order, provider)


def providers() -> tuple[Provider, ...]:
    """Return the registered providers in their order."""
    return tuple(p for _o, p in sorted(_registered.values(), key=lambda item: item[0]))


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


def estate_hub(estate: Estate):
    """Return the estate's hub page, or None for an estate without one.

    Through the one-to-one accessor, which keeps the answer on the estate: every provider
    asks for the same estates, and an estate read with its page costs no query at all.
    """
    try:
        return estate.page
    except EstatePage.DoesNotExist:
        return None
