"""Reads that may be a moment stale go to the read replica; everything else to the primary.

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database alias and switch
`GONGZHI_REPLICA_READS` on. Code that only reports (the officials' dashboard, open data, the
database search backend) runs its reads inside `replica_reads()` (or a view decorated with
`@reads_from_replica`); `ReplicaRouter` then sends ORM reads to the replica, and
`read_alias()` tells raw SQL which connection to use.

Anything else reads the primary: every read outside those scopes, every read inside a
transaction on the primary (a lock or a read-your-write there must see the primary), and every
read after the request has written (so a person never misses what they just did). Writes and
migrations always go to the primary. Without the alias, or with the switch off (the test
settings define the alias as a mirror of `default` and switch it on only in the tests of this
module), everything reads the primary.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


@dataclass
class _Scope:
    wrote: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("gongzhi_replica_scope", default=None)


def replica_enabled() -> bool:
    return bool(getattr(settings, "GONGZHI_REPLICA_READS", False)) and REPLICA in settings.DATABASES


def read_alias() -> str:
    """Return the alias a read made now should use: the replica only inside a replica scope,
    outside any transaction on the primary, and before the scope has written anything."""
    scope = _scope.get()
    if scope is None or scope.wrote or not replica_enabled():
        return DEFAULT_DB_ALIAS
    if _in_transaction(connections[DEFAULT_DB_ALIAS]):
        return DEFAULT_DB_ALIAS
    return REPLICA


def _in_transaction(connection: Any) -> bool:
    """Return whether code runs inside a transaction on the primary.

    The transaction a test case wraps around each test is not one (Django marks it, and
    ignores it in the same way for `atomic(durable=True)`), so tests see production's routing.
    """
    return connection.in_atomic_block and any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads inside go to the replica (see read_alias for the exceptions)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """Run a view's reads on the replica: for pages that only report."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Route ORM reads by read_alias(); writes, relations and migrations to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the primary's rows: an object read from either is the same row.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
