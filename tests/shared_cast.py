"""Build the shared cast once for a run of tests that ask for the same members, not once per test.

Building the cast is most of a typical test's setup: an estate with its Wagtail pages, editor
groups and search entries takes about 0.2 s, and most tests ask for two. Consecutive tests of
one module that ask for exactly the same members of the cast (the same fixtures, so the same
rows in the database) form a *group*. The group's members are written once, in a transaction
opened before the first test's own and rolled back after the last one; each test still runs
in its own savepoint inside it, so whatever a test changes is undone after it, as before.

Each test gets fresh model instances read back from the database, never the objects another
test held, so nothing a test sets on an instance leaks into the next one. A test sees exactly
the rows it would have seen had it built its cast itself: a group is keyed by the exact set of
cast fixtures the test asks for, and a member asked for later through `getfixturevalue` is
built inside the test, as before.

Tests are left to build their own cast (no group) when sharing could change what they see:
transactional tests and browser journeys (their data must be committed), tests that use a
module- or class-scoped fixture (those hold their own transaction), tests on more than the
default database, tests that move the clock to before the cast would exist
(`away_from_midnight`), and tests marked `fresh_cast`. `SHARED_CAST=0` turns sharing off for
a run, to tell whether a failure comes from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
CLOCK_FIXTURES = {"away_from_midnight"}


@dataclass(frozen=True)
class Member:
    """One fixture of the cast: what it needs, how to build it, how to read it back."""

    needs: tuple[str, ...]
    build: Callable[..., Any]
    fetch: Callable[..., Any]
    key: Callable[[Any], Any]


@dataclass
class Group:
    key: tuple
    atomic: Any
    blocker: Any
    keys: dict[str, Any] = field(default_factory=dict)


class Cast:
    """The cast fixtures' handle for one test: read a member back, or build it here."""

    def __init__(self, members: dict[str, Member], group: Group | None):
        self.members = members
        self.group = group

    def take(self, name: str, **needs: Any) -> Any:
        member = self.members[name]
        if self.group is not None and name in self.group.keys:
            return member.fetch(self.group.keys[name], **needs)
        return member.build(**needs)


_current: Group | None = None


def _closure(names: Iterable[str], members: dict[str, Member]) -> list[str]:
    """The members `names` need, in build order (the registry is written in that order)."""
    wanted: set[str] = set()
    stack = [n for n in names if n in members]
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack.extend(members[name].needs)
    return [name for name in members if name in wanted]


def _marker_allows_sharing(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return True
    kwargs = dict(marker.kwargs)
    if marker.args:
        kwargs.setdefault("transaction", marker.args[0])
    if any(kwargs.get(flag) for flag in ("transaction", "reset_sequences", "serialized_rollback")):
        return False
    if kwargs.get("available_apps") is not None:
        return False
    databases = kwargs.get("databases")
    return databases is None or list(databases) == ["default"]


def group_key(item: pytest.Item, members: dict[str, Member]) -> tuple | None:
    """The group `item` may share its cast with, or None when it must build its own."""
    from django.test import SimpleTestCase  # after Django is configured by pytest-django

    if os.environ.get("SHARED_CAST") == "0":
        return None
    names = set(getattr(item, "fixturenames", ()))
    wanted = frozenset(names & members.keys())
    if not wanted or names & (TRANSACTIONAL_FIXTURES | CLOCK_FIXTURES):
        return None
    if item.get_closest_marker("fresh_cast") or not _marker_allows_sharing(item):
        return None
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, SimpleTestCase):
        return None
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        # Ours (a conftest's or a test module's); plugins' wider fixtures write nothing.
        ours = definitions[-1].baseid != ""
        if ours and definitions[-1].scope in ("module", "class", "package"):
            return None
    return (item.nodeid.split("::")[0], wanted)


def open_group(key: tuple, members: dict[str, Member], blocker) -> Group:
    """Write the members the key names, in a transaction left open for the group's tests."""
    global _current
    with blocker.unblock():
        atomic = transaction.atomic()
        # Test scaffolding, like Django's own test transaction: code that asks whether it
        # runs inside a transaction (the replica router, durable blocks) must not count it.
        atomic._from_testcase = True
        atomic.__enter__()
        group = Group(key=key, atomic=atomic, blocker=blocker)
        try:
            built: dict[str, Any] = {}
            for name in _closure(key[1], members):
                member = members[name]
                built[name] = member.build(**{need: built[need] for need in member.needs})
                group.keys[name] = member.key(built[name])
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    _current = group
    return group


def close_group() -> None:
    """Undo the group's writes; the next test starts from what the session had before it."""
    global _current
    group, _current = _current, None
    if group is None:
        return
    with group.blocker.unblock():
        transaction.set_rollback(True)
        group.atomic.__exit__(None, None, None)


def current() -> Group | None:
    return _current


def order_for_sharing(items: list[pytest.Item], key: Callable[[pytest.Item], tuple | None]) -> None:
    """Put each module's tests that share a group next to each other (modules keep their order).

    Tests do not depend on their order (xdist already runs them in many orders); the sort is
    stable, so tests of one group keep the order they were written in.
    """
    position: dict[str, int] = {}
    for item in items:
        position.setdefault(item.nodeid.split("::")[0], len(position))

    def rank(pair: tuple[int, pytest.Item]):
        index, item = pair
        found = key(item)
        module = position[item.nodeid.split("::")[0]]
        return (module, 0, tuple(sorted(found[1])), index) if found else (module, 1, (), index)

    items[:] = [item for _, item in sorted(enumerate(items), key=rank)]
