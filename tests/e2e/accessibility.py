"""axe-core on every page a browser journey visits (issue #18, item 4).

How a page is caught, whoever opens it (a goto, a click, a form sent, a redirect):
- Each browser context carries axe-core (bundled by axe-playwright-python) as an init script,
  which runs before the page's own scripts and outside its Content-Security-Policy. At
  DOMContentLoaded of a top-level document it asks the test process whether to check it
  (`__axeWanted`: that call arrives before the page's load event, so the test process
  knows a check is coming before a journey can move on), runs axe if so, and hands the
  violations back (`__axeReport`).
- A journey may leave a page before axe is done with it. So the context routes the
  documents the browser asks for: a navigation away from a page whose check has not
  reported yet is held until it has (at most HOLD_S: a check that has not finished by then
  is printed as `axe unfinished`, counted in the run's summary, and its page is checked on
  its next visit; it does not fail the journey, having found nothing). A page left within
  moments of its DOMContentLoaded, before its `__axeWanted` call arrives, can escape.
- After the test body, `settle` waits for the pages still open, and the failures are raised
  as the test's own failure (the `pytest_runtest_call` wrapper in conftest).

Each page is checked once per test run by (path, viewport, signed-in user, elder-mode
cookie): a page seen twice, in one test or another, is checked once. Serious and critical
violations fail the test, naming the rule, axe's selector for the element, and the URL. One
line per checked page is printed (`pytest -s` shows them; a failing test shows its own).

Not checked: Wagtail's own admin (/admin/, /django-admin/). Those pages are Wagtail's and
Django's, built and tested upstream, and our templates do not render them. Documents that are
not HTML (PDF, CSV) are not checked either.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

# WCAG 2.0/2.1 A and AA, and Deque's best practices. Not "experimental" (unstable) or AAA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

# Rules switched off, each with its reason. Keep this nearly empty: fix the page instead.
EXCLUDED_RULES: dict[str, str] = {}

# Paths whose pages are not ours to fix (see the module docstring).
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/")

# How long a navigation may be held for the check of the page it leaves, and how long the
# end of a test waits for the last pages. A check takes well under a second; the limit only
# keeps a broken page from hanging the run (it is then reported as unchecked, and fails).
AXE_WAIT_S = 30.0
HOLD_S = 10.0

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
    "rules": {rule: {"enabled": False} for rule in EXCLUDED_RULES},
}

# Runs in every document of a watched context, before the page's own scripts. axe's source
# is wrapped in a function, so documents that are not checked only pay for parsing it.
_INIT_SCRIPT = """
(() => {
  // Top-level documents only, and once: Playwright may evaluate an init script again in a
  // document it already ran in.
  if (window.top !== window || window.__axeWatching) return;
  window.__axeWatching = true;
  const loadAxe = () => { AXE_SOURCE };
  const documentId = `${performance.timeOrigin}-${Math.random()}`;
  // At DOMContentLoaded the DOM is whole and the head's style sheets have applied (the
  // deferred scripts before it wait for them); the load event may be long in coming, and a
  // journey may leave before it.
  document.addEventListener('DOMContentLoaded', async () => {
    if (!(await window.__axeWanted(documentId, location.href))) return;
    let report;
    try {
      const started = performance.now();
      if (!window.axe) loadAxe();
      // axe refuses to start while another run is going in the same window, which happens
      // on a form page sent back with its errors (not understood yet): wait for it, at most
      // 10 s, then report the refusal.
      let results;
      for (let attempt = 0; ; attempt += 1) {
        try {
          results = await window.axe.run(document, AXE_OPTIONS);
          break;
        } catch (error) {
          if (!/already running/.test(String(error)) || attempt >= 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      report = {
        ms: performance.now() - started,
        violations: results.violations.map((violation) => ({
          id: violation.id, impact: violation.impact, help: violation.help,
          targets: violation.nodes.map((node) => node.target.join(' ')),
        })),
      };
    } catch (error) {
      report = {ms: 0, violations: [{
        id: 'axe-did-not-run', impact: 'critical', help: String(error), targets: ['document'],
      }]};
    }
    await window.__axeReport(documentId, location.href, report);
  });
})();
""".replace("AXE_SOURCE", AXE_SCRIPT).replace("AXE_OPTIONS", json.dumps(AXE_OPTIONS))

# Request URLs the route never needs to see: static files and uploads are not documents.
# (A regular expression is matched by the browser driver, so these never reach Python.)
ROUTED_URLS = re.compile(r"^(?!.*/(?:static|media)/)")


@dataclass
class _Watched:
    """One page: its latest document, whether that one's check is still to report, and the
    navigations held until it has."""

    viewport: str
    document: str = ""
    pending: bool = False
    key: tuple[str, str, str, bool] = ("", "", "", False)


@dataclass
class AxeWatch:
    """The checks of one test run: what was checked, what failed, and what it cost."""

    seen: set[tuple[str, str, str, bool]] = field(default_factory=set)
    seconds: float = 0.0
    pages: int = 0
    unfinished: int = 0
    # Per test: the failures found while it ran, read (and emptied) after its body.
    failures: list[str] = field(default_factory=list)
    _watched: dict[Any, _Watched] = field(default_factory=dict)
    _viewports: dict[Any, str] = field(default_factory=dict)
    _users: dict[str, str] = field(default_factory=dict)

    def watch(self, context: Any, viewport: str) -> None:
        """Check every page `context` opens, on every document it loads."""
        self._viewports[context] = viewport
        context.expose_binding("__axeWanted", self._wanted)
        context.expose_binding("__axeReport", self._report)
        context.add_init_script(_INIT_SCRIPT)
        context.on("page", self._track)
        context.route(ROUTED_URLS, self._route)

    def settle(self, pages: list[Any]) -> None:
        """Wait until the checks of the documents these pages show have reported."""
        deadline = time.monotonic() + AXE_WAIT_S
        for page in pages:
            if page.is_closed():
                continue
            # Loaded means its DOMContentLoaded call has arrived: a check to come is pending.
            page.wait_for_load_state()
            watched = self._watched.get(page)
            while watched and watched.pending and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            if watched and watched.pending:
                self.failures.append(f"axe did not report within {AXE_WAIT_S:.0f} s  {page.url}")

    def forget(self, pages: list[Any]) -> None:
        for page in pages:
            self._watched.pop(page, None)

    # The context's callbacks ------------------------------------------------------------

    def _track(self, page: Any) -> None:
        self._watched.setdefault(page, _Watched(self._viewports[page.context]))

    def _route(self, route: Any) -> None:
        """Let a request through; a navigation away from a page whose check is still
        running waits for its report first (at most HOLD_S, then goes, and the check is
        reported as not finished)."""
        request = route.request
        frame = request.frame
        watched = self._watched.get(frame.page) if frame.parent_frame is None else None
        try:
            if watched and watched.pending and request.is_navigation_request():
                deadline = time.monotonic() + HOLD_S
                while watched.pending and time.monotonic() < deadline:
                    frame.page.wait_for_timeout(20)
                if watched.pending:
                    # Not an accessibility failure of the page but a check that did not
                    # finish: counted and printed, and the page is checked on its next visit.
                    watched.pending = False
                    self.unfinished += 1
                    self.seen.discard(watched.key)
                    print(f"axe unfinished (left after {HOLD_S:.0f} s)  {frame.page.url}")
        finally:
            with contextlib.suppress(Exception):  # the journey went elsewhere meanwhile
                route.fallback()

    def _wanted(self, source: dict[str, Any], document: str, url: str) -> bool:
        """Called at DOMContentLoaded: say whether to check this document; remember it.

        It arrives before the page's load event does, so a journey that waited for the
        page to load cannot leave it before its check is known to be pending.
        """
        watched = self._watched.get(source["page"])
        if watched is None:
            return False
        watched.document = document
        watched.pending = False
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or parts.path.startswith(EXCLUDED_PREFIXES):
            return False
        context = source["context"]
        key = (parts.path, self._viewports[context], self._user(context), _elder(context))
        if key in self.seen:
            return False
        self.seen.add(key)
        watched.pending = True
        watched.key = key
        return True

    def _report(
        self, source: dict[str, Any], document: str, url: str, report: dict[str, Any]
    ) -> None:
        self.pages += 1
        self.seconds += report["ms"] / 1000
        failing = [
            f"{violation['id']} ({violation['impact']}: {violation['help']}) at {target}  {url}"
            for violation in report["violations"]
            if violation["impact"] in FAILING_IMPACTS
            for target in violation["targets"]
        ]
        self.failures.extend(failing)
        context = source["context"]
        who = self._user(context) or "anonymous"
        elder = "  elder" if _elder(context) else ""
        path = urlsplit(url).path
        print(
            f"axe {len(failing)} serious/critical  {path}  {self._viewports[context]}  {who}{elder}"
        )
        watched = self._watched.get(source["page"])
        if watched and watched.document == document:
            watched.pending = False

    def _user(self, context: Any) -> str:
        """Return the signed-in user's username from the session cookie ('' if none)."""
        from django.conf import settings

        session_key = next(
            (
                cookie["value"]
                for cookie in context.cookies()
                if cookie["name"] == settings.SESSION_COOKIE_NAME
            ),
            "",
        )
        if not session_key:
            return ""
        if session_key not in self._users:
            from importlib import import_module

            from django.contrib.auth import get_user_model

            store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
            user_id = store.get("_auth_user_id")
            user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
            if user is None:
                return ""  # not signed in yet: look again next time
            self._users[session_key] = user.get_username()
        return self._users[session_key]


def _elder(context: Any) -> bool:
    """Whether the browser carries elder mode's cookie (elder=1, see issue #18 item 3)."""
    return any(cookie["name"] == "elder" and cookie["value"] == "1" for cookie in context.cookies())


# One for the whole test run, so that a page seen by two tests is checked once.
AXE = AxeWatch()
