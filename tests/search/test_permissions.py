"""Results contain only what the reader may open, filtered inside the backend query.

Every role of the shared cast searches the same content of two estates; each result list
must equal, exactly, the set of pages that serving the page would let the reader open.
The Elasticsearch backend's generated filter is evaluated against the same documents.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.community.choices import Visibility
from portal.home.visibility import may_view_page
from search import service
from search.backends.database import audience_sql
from search.backends.elasticsearch import audience_filter
from search.models import SearchDocument
from search.query import audience_for
from tests.search.conftest import make_article, make_notice

pytestmark = pytest.mark.django_db

CAST = [
    "anonymous",
    "owner",
    "owner_building1",
    "tenant",
    "committee_chair",
    "committee_member",
    "property_manager",
    "property_staff",
    "moderator",
    "community_official",
    "subdistrict_official",
    "outsider",
    "committee_chair_b",
    "site_admin",
]


@pytest.fixture
def pages(estate_a, estate_b, knowledge_a, knowledge_b, district_knowledge, rebuild_index):
    made = [
        make_notice(estate_a, "A 公开停水通知"),
        make_notice(estate_a, "A 成员停水通知", visibility=Visibility.MEMBERS),
        make_article(knowledge_a, "A 业主停水须知", visibility=Visibility.OWNERS),
        make_notice(estate_b, "B 公开停水通知"),
        make_notice(estate_b, "B 成员停水通知", visibility=Visibility.MEMBERS),
        make_article(knowledge_b, "B 业主停水须知", visibility=Visibility.OWNERS),
        make_article(district_knowledge, "街道 成员停水指南", visibility=Visibility.MEMBERS),
        make_article(district_knowledge, "街道 公开停水指南"),
    ]
    rebuild_index()
    return made


def _user(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize("name", CAST)
def test_results_are_exactly_the_pages_the_reader_may_open(request, name, pages):
    user = _user(request, name)
    expected = {page.title for page in pages if may_view_page(user, page)}
    outcome = service.search(user, "停水", per_page=50)
    assert {hit.document.title for hit in outcome.hits} == expected
    # Counted in the query, not trimmed afterwards: the total and facets agree.
    assert outcome.total == len(expected) == sum(outcome.kind_counts.values())


@pytest.mark.parametrize("name", ["anonymous", "tenant", "outsider", "community_official"])
def test_one_result_per_page_still_counts_only_what_the_reader_may_open(request, name, pages):
    user = _user(request, name)
    expected = sum(1 for page in pages if may_view_page(user, page))
    outcome = service.search(user, "停水", per_page=1)
    assert outcome.page.paginator.num_pages == expected
    assert len(outcome.hits) == 1


def test_no_leak_across_estates_in_either_direction(request, pages, owner, outsider):
    mine = {h.document.title for h in service.search(owner, "停水", per_page=50).hits}
    theirs = {h.document.title for h in service.search(outsider, "停水", per_page=50).hits}
    assert not {t for t in mine if t.startswith("B") and "公开" not in t}
    assert not {t for t in theirs if t.startswith("A") and "公开" not in t}


def test_tenant_sees_member_content_but_not_owner_content(pages, tenant):
    found = {h.document.title for h in service.search(tenant, "停水", per_page=50).hits}
    assert "A 成员停水通知" in found
    assert "A 业主停水须知" not in found


def test_estate_filter_cannot_reveal_another_estate(pages, owner, estate_b):
    outcome = service.search(owner, "停水", estate_id=estate_b.pk)
    assert [h.document.title for h in outcome.hits] == ["B 公开停水通知"]


def test_a_public_page_inside_a_members_only_estate_is_members_only(
    estate_a, owner, outsider, rebuild_index
):
    estate_page = estate_a.page
    estate_page.visibility = Visibility.MEMBERS
    estate_page.save_revision().publish()
    make_notice(estate_a, "内部停水通知")
    rebuild_index()
    assert service.search(AnonymousUser(), "内部停水").total == 0
    assert service.search(outsider, "内部停水").total == 0
    assert service.search(owner, "内部停水").total == 1
    assert SearchDocument.objects.get().visibility == Visibility.MEMBERS


def test_the_audience_is_part_of_the_sql(owner, estate_a):
    sql, params = audience_sql(audience_for(owner))
    assert "d.visibility = %s" in sql and "d.estate_id IN" in sql
    assert params == ["public", "members", estate_a.pk, "owners", estate_a.pk]
    assert audience_sql(audience_for(AnonymousUser())) == ("(d.visibility = %s)", ["public"])


# --- the Elasticsearch filter, evaluated on the same rows -----------------------------------


def _matches(clause: dict, doc: dict) -> bool:
    """Evaluate the subset of the query DSL the audience filter uses."""
    ((kind, body),) = clause.items()
    if kind == "term":
        ((field, value),) = body.items()
        return doc.get(field) == value
    if kind == "terms":
        ((field, values),) = body.items()
        return doc.get(field) in values
    if kind == "exists":
        return doc.get(body["field"]) is not None
    if kind == "bool":
        ok = all(_matches(c, doc) for c in body.get("filter", []) + body.get("must", []))
        ok = ok and not any(_matches(c, doc) for c in body.get("must_not", []))
        if body.get("should"):
            hits = sum(_matches(c, doc) for c in body["should"])
            ok = ok and hits >= body.get("minimum_should_match", 1)
        return ok
    raise AssertionError(f"unexpected clause {kind}")


@pytest.mark.parametrize("name", CAST)
def test_elasticsearch_filter_admits_exactly_what_the_database_backend_admits(request, name, pages):
    user = _user(request, name)
    audience = audience_for(user)
    generated = audience_filter(audience)
    rows = SearchDocument.objects.all()
    admitted = {
        row.title
        for row in rows
        if generated is None
        or _matches(
            generated.to_dict(),
            {"visibility": row.visibility, "estate": row.estate_id},
        )
    }
    expected = {page.title for page in pages if may_view_page(user, page)}
    assert admitted == expected
