"""axe-core on every page a browser journey visits (issue #18, item 4).

Two steps, so that the check can neither slow a journey down nor be outrun by it:

1. While a journey runs, nothing is checked: each page it opens only records the URL of every
   document its main frame navigates to (a goto, a click, a form sent and redirected, Back).
2. After the test body (`pytest_runtest_call` in conftest), in the same browser context (so
   with the same sign-in and elder-mode cookie), each recorded URL not checked yet in this run
   is opened again in a fresh tab; once it has loaded, axe runs there and its answer is
   awaited (axe-playwright-python). One line is printed per page, e.g.
   `axe 0 serious/critical  /jinxiu/notices/  phone  user3  elder`, and serious and critical
   violations fail the test itself, naming the rule, axe's selector for the element and the
   URL.

A page is checked once per test run by (path and query, viewport, signed-in user, elder-mode
cookie, language cookie): a page seen twice, in one test or another, is checked once. It is
checked as it stands when the test ends (a vote page after the vote, say).

Not checked:
- Wagtail's own admin (/admin/, /django-admin/): Wagtail's and Django's pages, built and tested
  upstream; our templates do not render them.
- Answers that are not 200 or not HTML (a PDF, a CSV), and URLs that now redirect (the page
  they lead to is checked if the journey went there).
- URLs whose GET is not safe to repeat: signing out, the one-time sign-in code, a sign-in
  provider's callback (WeChat: spends its one-time code), and opening a notification (marks it
  read, then redirects). The project's other GET views change nothing (forms change state
  only by POST).
- Pages reached only by POST (a form sent back with its errors): a GET cannot reproduce them;
  the page the form was sent from is checked, and tests/e2e/test_form_errors_journey.py
  looks at the error messages themselves.
- In a test that names its representative pages with the `axe_only` fixture, the other
  pages it visited: the XSS corpus (tests/e2e/test_deliberation_xss.py) opens ~150 pages of
  a few templates with different hostile text, and axe checks one page of each kind.

E2E_AXE=0 switches the check off (to measure what it costs).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

ENABLED = os.environ.get("E2E_AXE", "1").strip().lower() not in {"0", "false", "no", "off"}

# WCAG 2.0/2.1 A and AA, and Deque's best practices. Not "experimental" (unstable) or AAA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

# Rules switched off, each with its reason. Keep this nearly empty: fix the page instead.
EXCLUDED_RULES: dict[str, str] = {}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
    "rules": {rule: {"enabled": False} for rule in EXCLUDED_RULES},
}

# Paths whose pages are not ours to fix, and GETs not safe to repeat (module docstring).
EXCLUDED_PATHS = re.compile(
    r"^/(?:admin/|django-admin/|accounts/logout|accounts/login/code/confirm"
    r"|accounts/[^/]+/login/callback/|inbox/\d+/?$)"
)

Key = tuple[str, str, str, bool, str]


@dataclass
class AxeCheck:
    """The checks of one test run: what was checked, what failed, and what it cost."""

    axe: Axe = field(default_factory=Axe)
    checked: set[Key] = field(default_factory=set)
    seconds: float = 0.0
    pages: int = 0
    skipped: int = 0
    # Where the lines are written as well (pytest -n hides the workers' prints).
    log: Path | None = None
    _visited: dict[Any, list[str]] = field(default_factory=dict)

    # While the journey runs ----------------------------------------------------------------

    def record(self, page: Any) -> None:
        """Note every document `page`'s main frame navigates to (and its popups')."""
        visited = self._visited.setdefault(page.context, [])

        def navigated(frame: Any) -> None:
            if frame.parent_frame is None and frame.url not in visited:
                visited.append(frame.url)

        page.on("framenavigated", navigated)
        # A page the journey's page opens (target=_blank) is recorded as well.
        page.on("popup", self.record)

    # After the test body -------------------------------------------------------------------

    def check(
        self, contexts: list[Any], viewport: str, *, only: frozenset[str] | None = None
    ) -> list[str]:
        """Open each recorded page in a fresh tab of its context and run axe there.

        With `only` (paths with their query, from the `axe_only` fixture), check those of
        the recorded pages and say how many others were left out. Return the serious and
        critical violations, one line per element.
        """
        failures: list[str] = []
        for context in contexts:
            urls = self._visited.pop(context, [])
            if only is not None:
                chosen = [url for url in urls if path_and_query(url) in only]
                if len(chosen) < len(urls):
                    self._say(
                        f"axe checks {len(chosen)} representative pages of {len(urls)} "
                        f"recorded (axe_only)  {viewport}"
                    )
                urls = chosen
            for url in urls:
                failures.extend(self._check_one(context, url, viewport))
        return failures

    def forget(self, contexts: list[Any]) -> None:
        for context in contexts:
            self._visited.pop(context, None)

    def _check_one(self, context: Any, url: str, viewport: str) -> list[str]:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or EXCLUDED_PATHS.match(parts.path):
            return []
        where = path_and_query(url)
        user = _user(context)
        elder = _cookie(context, "elder") == "1"
        key = (where, viewport, user, elder, _language(context))
        if key in self.checked:
            return []
        self.checked.add(key)
        who = f"{user or 'anonymous'}{'  elder' if elder else ''}"
        tab = context.new_page()
        try:
            try:
                response = tab.goto(url, wait_until="load")
            except Exception as error:  # a download (PDF, CSV) never becomes a page
                self.skipped += 1
                reason = str(error).splitlines()[0].split(" at ")[0]
                self._say(f"axe skipped ({reason})  {where}  {viewport}  {who}")
                return []
            reason = _not_a_page(response, url)
            if reason:
                self.skipped += 1
                self._say(f"axe skipped ({reason})  {where}  {viewport}  {who}")
                return []
            started = time.monotonic()
            results = self.axe.run(tab, options=AXE_OPTIONS)
            self.seconds += time.monotonic() - started
        finally:
            tab.close()
        self.pages += 1
        failures = [
            f"{violation['id']} ({violation['impact']}: {violation['help']}) "
            f"at {' '.join(map(str, node['target']))}  {url}"
            for violation in results.response["violations"]
            if violation["impact"] in FAILING_IMPACTS
            for node in violation["nodes"]
        ]
        self._say(f"axe {len(failures)} serious/critical  {where}  {viewport}  {who}")
        for failure in failures:
            self._say(f"    {failure}")
        return failures

    def _say(self, line: str) -> None:
        print(line)
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(line + "\n")


def path_and_query(url: str) -> str:
    """Return the path and query of a URL, absolute or not."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _not_a_page(response: Any, url: str) -> str:
    """Return why this answer is not a page to check ('' when it is one)."""
    if response is None:
        return "no response"
    if response.request.redirected_from is not None:
        return f"now redirects to {urlsplit(response.url).path}"
    if response.status != 200:
        return f"status {response.status}"
    content_type = response.header_value("content-type") or ""
    if not content_type.startswith("text/html"):
        return content_type or "no content type"
    return ""


def _cookie(context: Any, name: str) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == name), "")


def _language(context: Any) -> str:
    from django.conf import settings  # settings are configured only once pytest-django runs

    return _cookie(context, settings.LANGUAGE_COOKIE_NAME)


def _user(context: Any) -> str:
    """Return 'user<id>' for the session cookie's owner ('' when nobody is signed in)."""
    # Django is set up by pytest-django after this module is imported.
    from importlib import import_module

    from django.conf import settings

    session_key = _cookie(context, settings.SESSION_COOKIE_NAME)
    if not session_key:
        return ""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id = store.get("_auth_user_id")
    return f"user{user_id}" if user_id else ""


# One for the whole test run (per xdist worker), so that a page seen by two tests is
# checked once.
AXE = AxeCheck()

LOGS = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe"
CHECKED_LINE = re.compile(r"axe \d+ serious/critical ")


def start_log(worker: str | None) -> None:
    """Start this run's axe lines afresh: one file per process (test-artifacts/axe/).

    Called from tests/conftest.py's pytest_sessionstart: a conftest below the test paths
    (this package's) is loaded after the session has started, so its own hook never ran.
    """
    if worker is None:  # the main process, before any worker starts
        LOGS.mkdir(parents=True, exist_ok=True)
        for old in LOGS.glob("*.log"):
            old.unlink()
    AXE.log = LOGS / f"{worker or 'main'}.log"


def summary() -> str:
    """Return how many pages axe checked and found wanting ('' when it checked none)."""
    lines = [
        line
        for log in sorted(LOGS.glob("*.log"))
        for line in log.read_text(encoding="utf-8").splitlines()
    ]
    if not lines:
        return ""
    checked = [line for line in lines if CHECKED_LINE.match(line)]
    skipped = sum(line.startswith("axe skipped") for line in lines)
    failing = [line for line in checked if not line.startswith("axe 0 ")]
    return (
        f"axe: {len(checked)} pages checked, {len(failing)} with serious/critical violations, "
        f"{skipped} recorded URLs skipped (see test-artifacts/axe/)"
    )
