"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test here gets a `page` at phone width (390×844, touch, 2× pixels) and again at
desktop width (1280×800). The live server runs in a thread of this process, so the
LocmemSMSBackend outbox holds the codes it sends, and the data a test creates must be
committed (live_server brings transactional_db).

Never `playwright install`: the browser is /usr/bin/chromium from Debian. Without it the
tests skip with the reason, except under CI=true, where a skipped journey would hide a
broken CI machine, so they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.accessibility import AXE, path_and_query
from tests.e2e.accessibility import ENABLED as AXE_ENABLED

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this process knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# How long a step may wait for the page: Playwright returns as soon as the condition holds,
# so a generous limit costs nothing when the page is quick and keeps a busy machine (CI on 2
# cores shared with other work) from failing a step that was merely slow. Playwright's own
# defaults (5 s for expect, and the 10 s this suite set) failed there now and then.
STEP_TIMEOUT_MS = int(os.environ.get("E2E_STEP_TIMEOUT_MS", "30000"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    is_mobile: bool
    device_scale_factor: int

    def context_options(self) -> dict[str, Any]:
        """Return the Playwright browser-context options for this screen."""
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.is_mobile,
            "has_touch": self.is_mobile,
            "device_scale_factor": self.device_scale_factor,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
        }


PHONE = Viewport("phone", 390, 844, is_mobile=True, device_scale_factor=2)
DESKTOP = Viewport("desktop", 1280, 800, is_mobile=False, device_scale_factor=1)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# SQLite's append-only triggers (audit log, ballots...) as the migrations created them.
_sqlite_triggers: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _append_only_triggers_lifted_for_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the flush after a transactional test empty the append-only tables on SQLite.

    SQLite flushes with DELETE, which the append-only triggers refuse; PostgreSQL flushes
    with TRUNCATE, which row triggers do not see. The triggers stay in force while the
    test runs and are lifted only for the flush, then restored for the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        if not _sqlite_triggers:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            _sqlite_triggers.update(cursor.fetchall())
        for name, sql in _sqlite_triggers.items():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            cursor.execute(sql)
    yield
    with connection.cursor() as cursor:
        for name in _sqlite_triggers:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


@pytest.fixture(autouse=True)
def _no_admin_autosave(settings: Any) -> None:
    """Switch off Wagtail's admin autosave (every 500 ms of quiet) for scripted journeys.

    A journey fills a new page's form at whatever pace the loaded machine allows; an autosave
    landing between the last keystroke and the scripted publish click creates the page, and
    the publish then posts the create form again and is refused ("slug already in use").
    People are not scripted; the journeys test our pages, not Wagtail's autosave.
    """
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture(scope="package")
def chromium() -> Path:
    """Return Debian's Chromium, or skip (fail under CI) before any database is built."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-zenhei"
        if _in_ci():
            pytest.fail(f"Browser tests must run in CI, but {reason}", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="package")
def browser(chromium: Path, django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """Start Chromium once for the browser tests, and tidy up after them."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with sync_playwright() as playwright:
        # Between its calls Playwright marks its event loop as running in this thread, and
        # Django keeps connections per context: from here on the tests get new connection
        # objects, which lack the migrated data the test-database setup kept on the old
        # ones for serialized rollback. Hand it over.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # These connections belong to Playwright's context; close them before the test
        # database is dropped (PostgreSQL refuses to drop a database in use).
        connections.close_all()

    # The last browser test's flush emptied the database. Tests that pytest-django runs
    # after the transactional ones (those that reach the database only through
    # request.getfixturevalue) expect the migrated data, so put it back.
    with django_db_blocker.unblock():
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias].creation.deserialize_db_from_string(contents)
        # The last flush also left SQLite's append-only triggers lifted (see
        # _append_only_triggers_lifted_for_flush); put them back for those tests too, or an
        # append-only check that runs after the browser tests finds none.
        connection = connections["default"]
        if connection.vendor == "sqlite" and _sqlite_triggers:
            with connection.cursor() as cursor:
                for name, sql in _sqlite_triggers.items():
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                    cursor.execute(sql)


# The widths to run at (E2E_WIDTHS=phone runs each journey at phone width alone). CI's
# PostgreSQL run uses it: the journeys' database work is the same at both widths, and the
# SQLite run has already walked them at both.
WIDTHS = {name.strip() for name in os.environ.get("E2E_WIDTHS", "phone,desktop").split(",") if name}
# E2E_PRESENTATION=0 skips the journeys marked `presentation`: what they judge (the CSP, the
# keyboard path, elder mode's sizes, where a form's errors appear) is the browser's reading of
# the templates, the same on either database. CI's PostgreSQL run uses it; the SQLite run
# walks them at both widths.
PRESENTATION = os.environ.get("E2E_PRESENTATION", "1").strip().lower() not in {"0", "false", "no"}


@pytest.fixture(params=[PHONE, DESKTOP], ids=lambda viewport: viewport.name)
def viewport(request: pytest.FixtureRequest) -> Viewport:
    if request.param.name not in WIDTHS:
        pytest.skip(f"E2E_WIDTHS={','.join(sorted(WIDTHS))}")
    return request.param


_OPENED = pytest.StashKey[tuple[Viewport, list[Any]]]()
_AXE_ONLY = pytest.StashKey[frozenset[str]]()


@pytest.fixture
def new_page(
    browser: Any, viewport: Viewport, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Any]]:
    """Return a factory of pages, each in its own browser context (its own cookies).

    A journey with two people (an owner, then an outsider) opens one page per person.
    Each page records where it goes; after the test body axe checks those pages in the same
    contexts (tests/e2e/accessibility.py, pytest_runtest_call below).
    """
    contexts: list[Any] = []
    request.node.stash[_OPENED] = (viewport, contexts)

    def open_page() -> Any:
        context = browser.new_context(base_url=live_server.url, **viewport.context_options())
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if AXE_ENABLED:
            AXE.record(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe_only(request: pytest.FixtureRequest) -> Callable[[Iterable[str]], None]:
    """Return a function naming the only pages of this test that axe checks afterwards.

    For a test that opens many pages of the same few templates with different text (the XSS
    corpus): what axe looks at is the template, so one page of each kind stands for the rest.
    The test's own assertions still cover every page it opens.
    """

    def only(urls: Iterable[str]) -> None:
        request.node.stash[_AXE_ONLY] = frozenset(path_and_query(url) for url in urls)

    return only


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """Return a fresh page at the current viewport, pointed at the live server."""
    return new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, viewport: Viewport) -> Callable[..., Path]:
    """Return a helper saving test-artifacts/screenshots/<test>-<step>-<width>.png."""
    test_name = re.sub(r"[^\w.-]+", "_", request.node.originalname)

    def save(page: Any, step: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        parts = [test_name, step, str(viewport.width)]
        path = SCREENSHOTS / ("-".join(part for part in parts if part) + ".png")
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every browser test a committed database that is restored afterwards.

    The live server reads through its own connection, so test data must be committed
    (transaction=True). Flushing after such a test would also delete the rows the
    migrations created (Wagtail's root page, the district HomePage, the default Site),
    which later tests need; serialized_rollback puts them back.
    """
    here = Path(__file__).parent
    # Without Chromium, skip at collection, before a database is built for nothing.
    # Under CI the `chromium` fixture fails instead.
    skip = None
    if not CHROMIUM.exists() and not _in_ci():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
    for item in items:
        if here not in Path(str(item.path)).parents:
            continue
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if skip is not None:
            item.add_marker(skip)
        elif not PRESENTATION and item.get_closest_marker("presentation") is not None:
            item.add_marker(pytest.mark.skip(reason="E2E_PRESENTATION=0"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a journey's body: run axe on the pages it visited, then fail on what it found.

    Serious and critical violations fail the test itself (not its teardown), one line per
    element: the rule, what it asks, axe's selector for the element, and the page's URL.
    A body that failed has said what is wrong; its pages are not checked.
    """
    opened = item.stash.get(_OPENED, None)
    try:
        result = yield
    except BaseException:
        if opened is not None:
            AXE.forget(opened[1])
        raise
    if opened is None or not AXE_ENABLED:
        return result
    viewport, contexts = opened
    failures = AXE.check(contexts, viewport.name, only=item.stash.get(_AXE_ONLY, None))
    if failures:
        found = "\n  ".join(failures)
        raise AssertionError(f"axe found serious or critical violations:\n  {found}")
    return result
