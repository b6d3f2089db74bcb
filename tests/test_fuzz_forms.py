"""Hostile input to every form and JSON endpoint answers 4xx or a form error, never a 500.

Issue #12, item 9. On the demo sub-district (every kind of content, every role) the test:

1. walks the URL resolver for the portal's own routes (the Wagtail and Django admins and
   allauth's internals excepted; allauth's sign-up and login forms are reached by the crawl);
2. crawls the site as a few roles (anonymous, an owner, the committee chair, the property
   manager, a community official), collecting every <form> with its fields from the rendered
   HTML, and every concrete URL of each route;
3. for a route the crawl did not reach, builds a URL from the demo's estate slug and ids;
4. posts (or, for GET forms and JSON endpoints, queries) values that Hypothesis draws from
   hostile strategies: NUL and other control characters, huge strings, RTL marks, `=cmd|`
   formulas, SQL-ish text, invalid UTF-8 percent-escapes, wrong types, negative and huge
   numbers, impossible dates;
5. asserts that no response is a 5xx, listing every one that was.

Deterministic (`derandomize=True`, no example database) and small: a few examples per form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import district as demo

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 3
PAGES_PER_ROLE = 45
SIBLINGS_PER_PARENT = 3
START_URLS = (
    "/",
    "/discuss/jinxiu/",
    "/oversight/jinxiu/items/",
    "/oversight/jinxiu/meetings/",
    "/dashboard/",
    "/me/",
    "/inbox/",
    "/search/?q=电梯",
    "/accounts/signup/",
    "/accounts/login/",
)
ROLES = ("anonymous", "王芳", "陈建国", "赵立新", "吴红梅")

# Not ours to fuzz (Wagtail's and Django's admin screens, static files) or ending the session.
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/accounts/logout/",
    "/_util/",
)
# Files, not pages: fetched, but their links are not followed.
FILE_SUFFIXES = (".csv", ".xlsx", ".pdf", ".json", ".ics", "/csv/", "/xlsx/", "/rss/", "/ical/")

HOSTILE_TEXT = [
    "\x00",
    "王芳\x00",
    "\x1b[31m红色\x1b[0m",
    "\u202e\u2066ＲＴＬ\u200f",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点我")',
    "@SUM(1+1)",
    "' OR 1=1 --",
    "'; DROP TABLE auth_user; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%ff%fe",
    "\ufffd\ufffe",
    "🙂" * 50,
    "长" * 20_000,
    "a" * 200_000,
    "",
    " ",
    "null",
    "[]",
    "{}",
    "true",
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-9223372036854775809",
    "9223372036854775808",
    "1e309",
    "NaN",
    "Infinity",
    "-0.0000001",
    "99999999999999999999999999.99",
    "1,5",
    "١٢٣",
]
HOSTILE_DATES = [
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "2026-13-01",
    "2026-01-01T25:61",
    "1900-01-01",
    "-2026-01-01",
    "2026/01/01",
    "tomorrow",
]


def hostile_value() -> st.SearchStrategy[str | list[str]]:
    """Return a strategy of one hostile form value (sometimes a list: a repeated field)."""
    single = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from(HOSTILE_DATES),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
            max_size=40,
        ),
    )
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


@dataclass
class Form:
    """A form found on a page: where it goes, how, and its fields with their defaults."""

    source: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (route_of(self.action), self.method, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """Collect the links and the forms (with their fields' default values) of one page."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "a" and attr.get("href"):
            self.links.append(urljoin(self.url, attr["href"]))
        elif tag == "form":
            action = urljoin(self.url, attr.get("action") or self.url)
            self._form = Form(self.url, action, (attr.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not attr.get("name"):
            return
        elif tag == "input":
            kind = attr.get("type", "text").lower()
            name = attr["name"]
            if kind == "file":
                self._form.files.append(name)
            elif kind in ("checkbox", "radio"):
                self._form.fields.setdefault(name, attr.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.setdefault(name, attr.get("value", ""))
        elif tag == "select":
            self._select = attr["name"]
            self._form.fields.setdefault(self._select, "")
        elif tag == "textarea":
            self._textarea = attr["name"]
            self._form.fields.setdefault(self._textarea, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class OptionAwareParser(FormParser):
    """Also take the first option of a select as its default."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self._form is not None and self._select:
            value = dict(attrs).get("value") or ""
            if not self._form.fields.get(self._select):
                self._form.fields[self._select] = value
            return
        super().handle_starttag(tag, attrs)


def route_of(url: str) -> str:
    """Return the path with numbers replaced, so two threads' reply forms count as one."""
    return re.sub(r"/\d+(?=/|\.|$)", "/<n>", urlsplit(url).path)


def is_ours(url: str) -> bool:
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return False
    return parts.path.startswith("/") and not parts.path.startswith(SKIPPED_PREFIXES)


def own_patterns() -> Iterator[tuple[str, str]]:
    """Yield (route, view) for every URL pattern of the portal, walking the resolver."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
                yield route, view

    for route, view in walk(get_resolver().url_patterns, "/"):
        if route.startswith(SKIPPED_PREFIXES) or view.startswith(
            ("allauth.", "wagtail.", "django.", "rest_framework.")
        ):
            continue
        yield route, view


def concrete(route: str, ids: dict[str, str]) -> str:
    """Fill a route's parameters from the demo: the estate slug, and an id per parameter."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        return ids.get(name, ids["estate_slug"] if "slug" in name else "1")

    url = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    return url.replace("^", "").replace("$", "")


def page_of_each_type() -> list[str]:
    """Return the URL of two live pages of every Wagtail page type: the page tree's routes."""
    from wagtail.models import Page

    urls: list[str] = []
    per_type: Counter[int] = Counter()
    for page in Page.objects.live().filter(depth__gt=1).order_by("-depth", "path"):
        if per_type[page.content_type_id] < 2:
            per_type[page.content_type_id] += 1
            url = page.get_url()
            if url:
                urls.append(url)
    return urls


@pytest.fixture
def demo_world(db):
    demo.seed()
    users = {u.display_name: u for u in get_user_model().objects.all()}
    return users


def client_for(role: str, users) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


@settings(
    max_examples=EXAMPLES_PER_FORM,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def _fuzz_one(data, *, client: Client, form: Form, failures: list[str]) -> None:
    """Send one hostile version of a form: some fields keep their default, others do not."""
    values: dict[str, object] = {}
    for name, default in form.fields.items():
        values[name] = data.draw(st.one_of(st.just(default), hostile_value()), label=name)
    path = urlsplit(form.action).path
    send = client.post if form.method == "post" else client.get
    response = send(path, values)
    if response.status_code >= 500:
        shown = {k: (v[:40] if isinstance(v, str) else v) for k, v in values.items()}
        failures.append(f"{form.method.upper()} {path} {response.status_code} {shown!r}")


def test_hostile_values_in_every_form_never_give_a_server_error(demo_world):
    users = demo_world
    failures: list[str] = []
    forms: dict[tuple, tuple[str, Form]] = {}
    reached: set[str] = set()
    for role in ROLES:
        client = client_for(role, users)
        queue = [*START_URLS, *page_of_each_type()]
        visited: set[str] = set()  # routes this role has seen: one page each finds the forms
        siblings: Counter[str] = Counter()  # pages seen under one parent (notices, exports)
        while queue and len(visited) < PAGES_PER_ROLE:
            url = queue.pop(0)
            route = route_of(url)
            parent = route.rstrip("/").rsplit("/", 1)[0]
            if route in visited or siblings[parent] >= SIBLINGS_PER_PARENT:
                continue
            visited.add(route)
            siblings[parent] += 1
            reached.add(route)
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"GET {url} as {role}: {response.status_code}")
                continue
            if not response.get("Content-Type", "").startswith("text/html") or url.endswith(
                FILE_SUFFIXES
            ):
                continue
            parser = OptionAwareParser(url)
            parser.feed(response.content.decode("utf-8", "replace"))
            for form in parser.forms:
                if is_ours(form.action):
                    forms.setdefault(form.key, (role, form))
            queue.extend(link.split("#")[0] for link in parser.links if is_ours(link))

    # Every route of ours: the crawl's pages, or a URL built from the demo's ids.
    ids = {
        "estate_slug": "jinxiu",
        "source_key": "notices",
        "column": "ack_rate",
        "fmt": "csv",
        "kind": "csv",
        "code": "en",
    }
    for pattern, _view in own_patterns():
        url = concrete(pattern, ids)
        if route_of(url) in reached:
            continue
        for role in ("anonymous", "陈建国"):
            client = client_for(role, users)
            response = client.get(url, {"from": "2026-02-30", "to": "\x00", "page": "-1"})
            if response.status_code >= 500:
                failures.append(f"GET {url} as {role}: {response.status_code}")
            # A POST with every field name the crawl saw, hostile.
            names = {name for _r, f in forms.values() for name in f.fields}
            forms.setdefault(
                (route_of(url), "post", ("*",)),
                (role, Form(url, "http://testserver" + url, "post", dict.fromkeys(names, ""))),
            )

    assert len(forms) >= 40, sorted(forms)  # the crawl really found the portal's forms
    for role, form in forms.values():
        _fuzz_one(client=client_for(role, users), form=form, failures=failures)
    assert not failures, "\n".join(failures)
