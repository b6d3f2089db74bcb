"""The Elasticsearch backend: mappings and query bodies checked offline (`to_dict()`);
integration tests against a real server only when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import AnonymousUser

from search.backends.elasticsearch import (
    ElasticsearchBackend,
    IndexedDocument,
    audience_filter,
    build_search,
    new_index,
    read_response,
)
from search.choices import Ordering
from search.query import Audience, SearchRequest
from search.segment import parse_query


def request_for(text: str, **kwargs) -> SearchRequest:
    kwargs.setdefault("audience", Audience())
    return SearchRequest(query=parse_query(text), **kwargs)


def test_the_mapping_indexes_pre_segmented_words_with_a_whitespace_analyzer():
    body = new_index("gongzhi-search-test").to_dict()
    analyzer = body["settings"]["analysis"]["analyzer"]["gongzhi_segmented"]
    assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    properties = body["mappings"]["properties"]
    assert properties["title_words"] == {"type": "text", "analyzer": "gongzhi_segmented"}
    assert properties["body_words"] == {"type": "text", "analyzer": "gongzhi_segmented"}
    for keyword in ("kind", "visibility", "party"):
        assert properties[keyword] == {"type": "keyword"}
    assert properties["estate"] == {"type": "integer"}
    assert properties["date"]["type"] == "date"


def test_a_row_becomes_a_document_keyed_by_its_id():
    from search.models import SearchDocument

    row = SearchDocument(
        pk=42,
        kind="notice",
        visibility="members",
        estate_id=7,
        title="3号楼电梯维修通知",
        segmented_title="3 号楼 电梯 维修 通知",
        segmented_body="停运 维修",
    )
    doc = IndexedDocument.from_row(row).to_dict(include_meta=True)
    assert doc["_id"] == 42
    assert doc["_source"]["title_words"] == "3 号楼 电梯 维修 通知"
    assert doc["_source"]["estate"] == 7 and doc["_source"]["visibility"] == "members"


def test_district_wide_rows_have_no_estate_field():
    from search.models import SearchDocument

    row = SearchDocument(pk=1, kind="knowledge", visibility="public", title="t")
    assert "estate" not in IndexedDocument.from_row(row).to_dict()


def test_every_term_is_required_with_synonyms_as_alternatives_and_a_phrase_bonus():
    body = build_search(request_for("业委会怎么选")).to_dict()
    query = body["query"]["boosting"]["positive"]["bool"]
    (match,) = query["must"]
    first, second = match["bool"]["must"]
    assert [c["multi_match"]["query"] for c in first["bool"]["should"]] == ["业委会", "业主委员会"]
    assert first["bool"]["minimum_should_match"] == 1
    assert second["multi_match"] == {
        "query": "选",
        "fields": ["title_words^6", "body_words"],
        "type": "phrase_prefix",
    }
    (phrase,) = query["should"]
    assert phrase["multi_match"]["query"] == "业委会 选"
    assert phrase["multi_match"]["type"] == "phrase" and phrase["multi_match"]["boost"] == 2


def test_a_word_kept_whole_also_matches_all_its_parts_at_a_lower_weight():
    body = build_search(request_for("委托投票")).to_dict()
    (match,) = body["query"]["boosting"]["positive"]["bool"]["must"]
    (term,) = match["bool"]["must"]
    whole, parts = term["bool"]["should"]
    assert whole["multi_match"]["query"] == "委托投票"
    first, second = parts["bool"]["must"]
    assert first["multi_match"]["query"] == "委托"
    assert [c["multi_match"]["query"] for c in second["bool"]["should"]] == ["投票", "表决"]
    assert parts["bool"]["boost"] < 1


def test_the_relaxed_retry_needs_any_term():
    body = build_search(request_for("停水 游泳池", match_all=False)).to_dict()
    (match,) = body["query"]["boosting"]["positive"]["bool"]["must"]
    assert match["bool"]["minimum_should_match"] == 1
    assert len(match["bool"]["should"]) == 2


def test_anonymous_readers_are_filtered_to_public_content_inside_the_query():
    body = build_search(request_for("电梯")).to_dict()
    assert body["query"]["boosting"]["positive"]["bool"]["filter"] == [
        {"bool": {"should": [{"term": {"visibility": "public"}}], "minimum_should_match": 1}}
    ]


def test_member_and_owner_estates_are_in_the_filter():
    audience = Audience(
        signed_in=True, member_estates=frozenset({3, 1}), owner_estates=frozenset({1})
    )
    should = audience_filter(audience).to_dict()["bool"]["should"]
    assert should == [
        {"term": {"visibility": "public"}},
        {"bool": {"must_not": [{"exists": {"field": "estate"}}]}},
        {"bool": {"filter": [{"term": {"visibility": "members"}}, {"terms": {"estate": [1, 3]}}]}},
        {"bool": {"filter": [{"term": {"visibility": "owners"}}, {"terms": {"estate": [1]}}]}},
    ]


def test_site_admins_have_no_filter():
    body = build_search(request_for("电梯", audience=Audience(everything=True))).to_dict()
    assert not body["query"]["boosting"]["positive"]["bool"].get("filter")


def test_type_and_estate_choices_are_a_post_filter_so_facets_still_count_the_rest():
    body = build_search(request_for("电梯", kind="notice", estate_id=5)).to_dict()
    assert body["post_filter"] == {
        "bool": {"filter": [{"term": {"kind": "notice"}}, {"term": {"estate": 5}}]}
    }
    assert body["aggs"]["by_kind"]["filter"] == {"term": {"estate": 5}}
    assert body["aggs"]["by_estate"]["filter"] == {"term": {"kind": "notice"}}
    assert body["aggs"]["by_estate"]["aggs"]["estates"]["terms"]["missing"] == 0


def test_ordering_paging_and_source():
    newest = build_search(request_for("电梯", ordering=Ordering.NEWEST, offset=20, limit=10))
    body = newest.to_dict()
    assert body["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    assert (body["from"], body["size"]) == (20, 10)
    assert body["_source"] == ["row_id"] and body["track_total_hits"] is True
    assert build_search(request_for("电梯")).to_dict()["sort"][0] == "_score"


def test_reading_a_response():
    response = {
        "hits": {"total": {"value": 3}, "hits": [{"_id": "9"}, {"_id": "4"}]},
        "aggregations": {
            "by_kind": {"kinds": {"buckets": [{"key": "notice", "doc_count": 3}]}},
            "by_estate": {
                "estates": {"buckets": [{"key": 2, "doc_count": 2}, {"key": 0, "doc_count": 1}]}
            },
        },
    }
    result = read_response(response)
    assert result.ids == [9, 4] and result.total == 3
    assert result.kind_counts == {"notice": 3}
    assert result.estate_counts == {2: 2, None: 1}


class RecordingIndices:
    def __init__(self, aliases: dict[str, list[str]]):
        self.aliases, self.calls = aliases, []

    def exists_alias(self, name):
        return name in self.aliases

    def get_alias(self, name):
        return {index: {} for index in self.aliases[name]}

    def exists(self, index):
        return False

    def update_aliases(self, actions):
        self.calls.append(("update_aliases", actions))

    def delete(self, index):
        self.calls.append(("delete", index))


class RecordingClient:
    def __init__(self, aliases):
        self.indices = RecordingIndices(aliases)


def test_reindexing_swaps_the_alias_atomically_then_drops_the_old_index(settings):
    settings.GONGZHI_SEARCH_INDEX = "gongzhi-search"
    client = RecordingClient({"gongzhi-search": ["gongzhi-search-old"]})
    ElasticsearchBackend(client)._swap("gongzhi-search-new")
    assert client.indices.calls == [
        (
            "update_aliases",
            [
                {"remove": {"index": "gongzhi-search-old", "alias": "gongzhi-search"}},
                {"add": {"index": "gongzhi-search-new", "alias": "gongzhi-search"}},
            ],
        ),
        ("delete", "gongzhi-search-old"),
    ]


# --- against a real server --------------------------------------------------------------------

needs_server = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set"
)


@needs_server
@pytest.mark.django_db
def test_integration_search_respects_the_audience(settings, estate_a, estate_b, owner, outsider):
    from portal.community.choices import Visibility
    from search import service
    from search.backends import _load
    from search.index import rebuild
    from tests.search.conftest import make_notice

    settings.GONGZHI_SEARCH_BACKEND = "elasticsearch"
    settings.GONGZHI_SEARCH_INDEX = "gongzhi-search-test"
    _load.cache_clear()
    try:
        make_notice(estate_a, "3号楼电梯维修通知")
        make_notice(estate_a, "锦绣花园内部电梯台账", visibility=Visibility.MEMBERS)
        make_notice(estate_b, "翠湖苑内部电梯台账", visibility=Visibility.MEMBERS)
        rebuild()
        anonymous = [h.document.title for h in service.search(AnonymousUser(), "电梯").hits]
        mine = {h.document.title for h in service.search(owner, "电梯").hits}
        theirs = {h.document.title for h in service.search(outsider, "电梯").hits}
        assert anonymous == ["3号楼电梯维修通知"]
        assert mine == {"3号楼电梯维修通知", "锦绣花园内部电梯台账"}
        assert theirs == {"3号楼电梯维修通知", "翠湖苑内部电梯台账"}
        rebuild()  # a second rebuild swaps the alias to a fresh index
        assert {h.document.title for h in service.search(owner, "电梯").hits} == mine
    finally:
        _load.cache_clear()


def test_discussion_ranks_below_published_pages_for_an_equal_match():
    from search.backends.database import DISCUSSION_WEIGHT

    body = build_search(request_for("电梯")).to_dict()
    boosting = body["query"]["boosting"]
    assert boosting["negative"] == {"term": {"kind": "deliberation"}}
    assert boosting["negative_boost"] == DISCUSSION_WEIGHT
