"""What a dashboard table is made of, independent of which app computes the figures.

Each capability (notices, voting, deliberation, oversight, consultations) contributes one
`FigureSource`: a titled table with one row per estate, computed for many estates at once in a
fixed number of queries (GROUP BY estate), a drill-down listing the items behind a figure, and
optionally weekly trend series and alerts. The dashboard only lays these out.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.dashboard.period import Period
from portal.home.models import EstatePage

# Kinds of figure, which decide how a value is shown and exported.
COUNT = "count"
SHARE = "share"  # a Fraction in [0, 1], or None when there is nothing to divide
HOURS = "hours"  # a float or Decimal number of hours, or None
SCORE = "score"  # an average on a 1–5 scale, or None
TEXT = "text"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str = COUNT
    drill: bool = False  # whether the figure links to the items behind it
    help: Any = ""


@dataclass
class Drill:
    """The items behind one figure: a title, column headings and rows of (text, url) cells."""

    title: Any
    headings: Sequence[Any]
    rows: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Alert:
    """Something an official should act on, with where to look."""

    estate_id: int
    key: str  # stable, for de-duplicating notifications: "action_item_overdue:42"
    message: str
    url: str
    severity: str = "warning"  # or "danger"
    notify: bool = True  # False where the owning app already sends its own reminder


class FigureSource:
    """One dashboard table. Subclasses set key, title and columns and implement compute()."""

    key: str = ""
    title: Any = ""
    columns: Sequence[Column] = ()

    def compute(self, estate_ids: Sequence[int], period: Period) -> dict[int, dict[str, Any]]:
        """Return {estate_id: {column key: value}} for every estate, in bounded queries."""
        raise NotImplementedError

    def drill(self, estate, period: Period, column: str) -> Drill | None:
        """Return the items behind one figure of one estate, or None if it has none."""
        return None

    def weekly(self, estate_ids: Sequence[int], period: Period) -> dict[str, list[float]]:
        """Return named weekly series (one value per week of period.weeks()) for charts."""
        return {}

    def alerts(self, estate_ids: Sequence[int], period: Period) -> Iterable[Alert]:
        return ()


# --- one reading per board ---------------------------------------------------------------

# While a board is built, the readings its tables share (the estates' page paths, the site's
# root, a source's rows that both its table and its alerts are made from) are taken once.
_readings: ContextVar[dict[tuple, Any] | None] = ContextVar("dashboard_readings", default=None)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """Within the block, each reading marked @read_once is computed once per arguments.

    Nothing outlives the block, so no figure is ever served from an earlier request.
    """
    if _readings.get() is not None:  # already inside one
        yield
        return
    token = _readings.set({})
    try:
        yield
    finally:
        _readings.reset(token)


def _frozen(value: Any) -> Any:
    if isinstance(value, list | set | frozenset):
        return tuple(value) if isinstance(value, list) else frozenset(value)
    return value


def read_once(fn: Callable) -> Callable:
    """Memoise fn within one_reading() by its arguments (methods: per source instance).

    The result is shared: callers read it and do not change it.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        readings = _readings.get()
        if readings is None:
            return fn(*args)
        key = (fn.__module__, fn.__qualname__, *(_frozen(a) for a in args))
        if key not in readings:
            readings[key] = fn(*args)
        return readings[key]

    return wrapper


# --- helpers the sources share -----------------------------------------------------------


def share(part: int | Decimal, whole: int | Decimal) -> Fraction | None:
    """Return part/whole exactly, or None when the whole is zero (nothing to measure)."""
    if not whole:
        return None
    return Fraction(Decimal(part)) / Fraction(Decimal(whole))


def format_value(value: Any, kind: str) -> str:
    """Return a figure as people read it: 87.5%, 12.3 小时 (under an hour: 25 分钟), 4.20, or —.

    The one formatter of figures: the dashboard, its drill-downs and the discussion page's
    figures all show numbers through it, so the same figure reads the same everywhere.
    """
    if value is None:
        return "—"
    if kind == SHARE:
        return f"{float(value) * 100:.1f}%"
    if kind == HOURS:
        if float(value) < 1:  # "0.0 小时" would read as no time at all
            return _("%(n)s 分钟") % {"n": max(1, round(float(value) * 60))}
        return _("%(hours).1f 小时") % {"hours": float(value)}
    if kind == SCORE:
        return f"{float(value):.2f}"
    return str(value)


def export_value(value: Any, kind: str) -> Any:
    """Return a figure for CSV/XLSX: numbers stay numbers (shares as 0–1 decimals)."""
    if value is None:
        return ""
    if kind == SHARE:
        return round(float(value), 4)
    if kind in (HOURS, SCORE):
        return round(float(value), 2)
    return value


def estate_of_path(estate_pages: dict[str, int], path_expression: str = "path"):
    """Return (Substr expression, its length) to group pages by the estate page above them.

    Wagtail page paths are fixed-width steps, and every EstatePage sits at the same depth,
    so the first len(estate page path) characters of a descendant's path name its estate.
    """
    length = len(next(iter(estate_pages))) if estate_pages else 12
    return Substr(path_expression, 1, length), length


@read_once
def estate_page_paths(estate_ids: Sequence[int]) -> dict[str, int]:
    """Return {estate page path: estate id} for the estates."""
    return dict(
        EstatePage.objects.filter(estate_id__in=estate_ids).values_list("path", "estate_id")
    )


@read_once
def page_url_maker() -> Callable[[str], str]:
    """Return a function turning a page's url_path into its URL on the default site.

    Listing many pages' URLs through Page.url costs queries per page; the url_path and the
    site's root path are enough when one site serves the district (the deployment here).
    """
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.url_path if site else "/"

    def url(url_path: str) -> str:
        return "/" + url_path[len(root) :] if url_path.startswith(root) else url_path

    return url


@read_once
def url_former(viewname: str, *samples: str | int) -> Callable[..., str]:
    """Return a function giving reverse(viewname, args=…) by string formatting alone.

    The pattern is reversed once, with `samples` (values its converters accept, each
    appearing once in the result) standing for the arguments; the function then fills in
    the real ones. For slugs and ids only, which reverse() would not quote either: a board
    links thousands of figures, and reverse() per link was most of the page's time.
    """
    url = reverse(viewname, args=samples)
    form = url.replace("{", "{{").replace("}", "}}")
    for n, sample in enumerate(samples):
        if url.count(str(sample)) != 1:
            raise ValueError(f"{sample!r} does not stand for one argument of {url}")
        form = form.replace(str(sample), f"{{{n}}}")
    return form.format


def week_index(weeks: Sequence[Any], moment) -> int | None:
    """Return the index in `weeks` (Mondays, ascending) of the week holding `moment`."""
    from django.utils import timezone

    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    index = bisect.bisect_right(weeks, day) - 1  # the last week starting on or before day
    return index if index >= 0 else None


def weekly_counts(weeks: Sequence[Any], moments) -> list[float]:
    """Return how many of the moments fall in each week (the week week_index() names).

    A moment falls in the week whose local Monday midnight it has reached, so the
    datetimes are compared with those midnights, not each turned into a local date.
    """
    from django.utils import timezone

    series = [0.0] * len(weeks)
    starts = None
    for moment in moments:
        if hasattr(moment, "hour"):
            if starts is None:
                starts = [timezone.make_aware(datetime.combine(w, time.min)) for w in weeks]
            index = bisect.bisect_right(starts, moment) - 1
        else:
            index = bisect.bisect_right(weeks, moment) - 1
        if index >= 0:
            series[index] += 1
    return series


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


Formatter = Callable[[Any], str]
