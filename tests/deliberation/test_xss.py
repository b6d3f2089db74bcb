"""Hostile input: stored rich text is reduced to the allow-list, plain text is kept as typed,
and no page of the discussion area returns live markup from it (the browser check is in
tests/e2e/test_deliberation_xss.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import override_settings

from deliberation.models import (
    Appeal,
    Assignment,
    PostReport,
    PostRevision,
    Satisfaction,
    Tag,
    UserBlock,
)
from portal.community import actions
from portal.community.choices import RoleKind
from tests.conftest import (
    _owner_of,
    _populate,
    _rolled_back_after_the_module,
    _with_role,
)
from tests.deliberation.xss import MARKER, PAYLOADS, seed_xss
from tests.factories import CommunityFactory, UserFactory, make_estate
from themes.sanitiser import ALLOWED_TAGS, plain_text

pytestmark = pytest.mark.django_db


class MarkupAudit(HTMLParser):
    """Collect every tag and attribute of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]


def audit(html: str) -> MarkupAudit:
    parser = MarkupAudit()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> None:
    found = audit(html)
    assert found.tags <= ALLOWED_TAGS, found.tags - ALLOWED_TAGS
    for tag, name, value in found.attrs:
        assert (tag, name) in {("a", "href"), ("a", "title"), ("a", "rel")}, (tag, name)
        if name == "href" and ":" in value:  # without a colon it is a harmless relative link
            assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"}, value


@pytest.fixture(scope="module")
def xss_world(django_db_setup, django_db_blocker):
    """The corpus through every field of estate A, seeded once for this module's tests, which
    only read it (seeding takes tens of seconds); undone after the module."""
    with _rolled_back_after_the_module(django_db_blocker):
        world = _populate(
            make_estate(name="锦绣花园", slug="jinxiu", community=CommunityFactory(name="和平社区"))
        )
        cast = {
            "owner": _owner_of(world.building3_unit, display_name="王芳"),
            "property_staff": _with_role(
                RoleKind.PROPERTY_STAFF, estate=world.estate, display_name="孙师傅"
            ),
            "moderator": _with_role(RoleKind.MODERATOR, estate=world.estate, display_name="周静"),
        }
        cast["tenant"] = UserFactory(display_name="张敏")
        actions.grant_role(
            cast["tenant"], RoleKind.RESIDENT, estate=world.estate, unit=world.building3_unit
        )
        with override_settings(DELIBERATION_POST_RATE_LIMIT=(10_000, 600)):
            seeded = seed_xss(world.estate, **cast)
        yield seeded, cast["moderator"]


@pytest.fixture
def seeded(xss_world):
    return xss_world[0]


@pytest.fixture
def moderator(xss_world):
    return xss_world[1]


def test_the_corpus_has_at_least_100_varied_payloads():
    assert len(PAYLOADS) >= 100
    joined = "\n".join(PAYLOADS).lower()
    for kind in (
        "<script",
        "onerror",
        "javascript:",
        "<svg",
        "<math",
        "expression(",
        "&#",
        "{{",
        "{%",
    ):
        assert kind in joined, kind


def test_post_bodies_and_their_revisions_keep_only_the_allow_list_and_the_harmless_text(seeded):
    for i, post in enumerate(seeded.reported + seeded.appealed):
        post.refresh_from_db()
        assert_inert(post.body)
        assert f"{MARKER}{i % len(PAYLOADS)}" in plain_text(post.body)
    for revision in PostRevision.objects.filter(post=seeded.edited):
        assert_inert(revision.body)
    # Visible words of a payload survive the cleaning, its markup does not.
    bodies = " ".join(plain_text(p.body) for p in seeded.reported)
    for words in ("点击查看维修进度", "正常段落", "后面的段落", "加粗", "合法链接带参数"):
        assert words in bodies


def test_links_in_posts_are_marked_as_user_generated(seeded):
    bodies = [p.body for p in seeded.reported if "<a " in p.body]
    assert bodies
    for body in bodies:
        assert 'rel="nofollow ugc noopener"' in body


def test_plain_text_fields_are_stored_exactly_as_typed(seeded):
    assert [t.title for t in seeded.issues] == [" ".join(p[:120].split()) for p in PAYLOADS]
    assert sorted(PostReport.objects.values_list("detail", flat=True)) == sorted(
        p[:300].strip() for p in PAYLOADS
    )
    assert sorted(Appeal.objects.values_list("text", flat=True)) == sorted(
        p.strip() for p in PAYLOADS
    )
    assert sorted(Satisfaction.objects.values_list("comment", flat=True)) == sorted(
        p[:500].strip() for p in PAYLOADS
    )
    assert UserBlock.objects.count() == len(PAYLOADS)
    assert Assignment.objects.exclude(assigned_by=None).count() == 2 * len(PAYLOADS)
    assert Tag.objects.count() >= len(PAYLOADS) - 10  # a few payloads share 20 first characters


def test_no_page_of_the_discussion_area_returns_live_markup(client, seeded, moderator):
    """Parse each page's main content: only the site's own tags, no event handlers, no
    script URLs (escaped payload text is fine: it is text)."""
    client.force_login(moderator)
    dangerous = {"script", "svg", "math", "iframe", "img", "object", "embed", "style", "base"}
    for url in seeded.urls[:20] + seeded.urls[-3:]:
        html = client.get(url).content.decode()
        found = audit(html[html.index("<main") : html.index("</main>")])
        assert not found.tags & dangerous, (url, found.tags & dangerous)
        for tag, name, value in found.attrs:
            assert not name.startswith("on"), (url, tag, name)
            if name in {"href", "src", "action", "formaction"} and ":" in value:
                assert value.split(":", 1)[0].strip().lower() in {"http", "https", "mailto"}, (
                    url,
                    value,
                )
