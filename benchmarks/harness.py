"""Shared helpers: a throw-away database, timers, and how figures are printed."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator

from django.db import connection
from django.test.utils import setup_databases, teardown_databases


@contextlib.contextmanager
def bench_database() -> Iterator[None]:
    """Create a fresh test database (never the developer's), migrate it, drop it after."""
    # Imported here: django_q reads the settings when imported, after django.setup().
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    old = setup_databases(verbosity=0, interactive=False)
    broker = (
        "Redis (as in production)" if Conf.REDIS else "django-q2's ORM queue (no Redis answered)"
    )
    print(f"database: {connection.vendor}; task broker: {broker}")
    try:
        yield
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)
        if Conf.REDIS:
            get_broker().purge_queue()  # the tasks the benchmarks queued and nobody ran


def timed(fn: Callable[[], object], *, repeat: int = 5) -> list[float]:
    """Return the wall times in seconds of `repeat` calls of fn."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(label: str, value: float, unit: str) -> None:
    print(f"   {label:<58} {value:>12,.2f} {unit}")


def make_estate(slug: str, name: str):
    """Create an estate (with its pages and groups) in the benchmark sub-district."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from portal.community.actions import create_estate
    from portal.community.models import Community, SubDistrict

    sub_district, _ = SubDistrict.objects.get_or_create(name="基准街道")
    community, _ = Community.objects.get_or_create(sub_district=sub_district, name="基准社区")
    return create_estate(community=community, name=name, slug=slug)
