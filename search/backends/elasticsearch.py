"""The Elasticsearch backend (for scale), through elasticsearch.dsl (elasticsearch-dsl 8.18).

The SearchDocument table stays the source of truth; this backend mirrors its rows into an
index whose segmented fields use a whitespace analyzer (jieba has already cut the words), and
answers queries with row ids. Readers always go through the alias `GONGZHI_SEARCH_INDEX`;
a rebuild fills a new timestamped index and swaps the alias in one atomic call, so search
never sees a half-built index.

The reader's audience is a bool filter inside the query; the type and estate choices are a
post_filter, so the facet aggregations count what choosing another value would give.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    Q,
    Search,
    Text,
    analyzer,
)

from search.backends import SearchBackend
from search.backends.database import DISCUSSION_WEIGHT
from search.choices import DocumentKind, Ordering
from search.query import Audience, BackendResult, SearchRequest
from search.segment import Term

# jieba cut the text already; the analyzer only splits on spaces and lower-cases.
segmented = analyzer("gongzhi_segmented", tokenizer="whitespace", filter=["lowercase"])
TITLE_BOOST = 6
PHRASE_BOOST = 2
# A document found only by a word's parts (委托他人投票 for 委托投票) scores far less than one
# holding the word; Elasticsearch has no tiers, so the weight does the ranking.
PARTS_BOOST = 0.1
NO_ESTATE = 0  # the aggregation bucket of district-wide documents


class IndexedDocument(Document):
    """One SearchDocument row as Elasticsearch keeps it (the id is the row's pk)."""

    row_id = Long()
    kind = Keyword()
    estate = Integer()
    visibility = Keyword()
    party = Keyword()
    date = Date(default_timezone="UTC")
    title = Keyword(index=False)
    title_words = Text(analyzer=segmented)
    body_words = Text(analyzer=segmented)

    @classmethod
    def from_row(cls, row: Any) -> IndexedDocument:
        return cls(
            meta={"id": row.pk},
            row_id=row.pk,
            kind=row.kind,
            estate=row.estate_id,
            visibility=row.visibility,
            party=row.party,
            date=row.date,
            title=row.title,
            title_words=row.segmented_title,
            body_words=row.segmented_body,
        )


def alias_name() -> str:
    return settings.GONGZHI_SEARCH_INDEX


def new_index(name: str | None = None) -> Index:
    """Return the definition of a fresh index (mappings and analysis settings)."""
    name = name or f"{alias_name()}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(IndexedDocument)
    return index


# --- queries --------------------------------------------------------------------------------

FIELDS = [f"title_words^{TITLE_BOOST}", "body_words"]


def audience_filter(audience: Audience) -> Q | None:
    """Return the bool filter of what the audience may see (None: everything)."""
    if audience.everything:
        return None
    should = [Q("term", visibility="public")]
    if audience.signed_in:
        should.append(Q("bool", must_not=[Q("exists", field="estate")]))
    for visibility, estates in (
        ("members", audience.member_estates),
        ("owners", audience.owner_estates),
    ):
        if estates:
            should.append(
                Q(
                    "bool",
                    filter=[
                        Q("term", visibility=visibility),
                        Q("terms", estate=sorted(estates)),
                    ],
                )
            )
    return Q("bool", should=should, minimum_should_match=1)


def _any_word(words: tuple[str, ...]) -> Q:
    options = [Q("multi_match", query=word, fields=FIELDS, type="phrase") for word in words]
    return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)


def _term_query(term: Term) -> Q:
    options = []
    for alternative in term.alternatives:
        kind = "phrase_prefix" if term.is_prefix and alternative == term.word else "phrase"
        options.append(Q("multi_match", query=alternative, fields=FIELDS, type=kind))
    if term.parts:
        options.append(Q("bool", must=[_any_word(g) for g in term.parts], boost=PARTS_BOOST))
    return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)


def build_search(request: SearchRequest, *, index: str | None = None) -> Search:
    """Return the Search for a request: match, audience filter, facets, order, page."""
    terms = [_term_query(term) for term in request.query.terms]
    if request.match_all:
        match = Q("bool", must=terms)
    else:
        match = Q("bool", should=terms, minimum_should_match=1)
    should = []
    if len(request.query.words) > 1:
        should.append(
            Q(
                "multi_match",
                query=" ".join(request.query.words),
                fields=FIELDS,
                type="phrase",
                boost=PHRASE_BOOST,
            )
        )
    audience = audience_filter(request.audience)
    query = Q(
        "bool",
        must=[match],
        should=should,
        filter=[audience] if audience is not None else [],
    )
    # As in the database backend: for an equal match, published pages rank above discussion.
    query = Q(
        "boosting",
        positive=query,
        negative=Q("term", kind=DocumentKind.DELIBERATION.value),
        negative_boost=DISCUSSION_WEIGHT,
    )
    search = Search(index=index or alias_name()).query(query)

    kind_filter = Q("term", kind=request.kind) if request.kind else None
    estate_filter = Q("term", estate=request.estate_id) if request.estate_id else None
    chosen = [f for f in (kind_filter, estate_filter) if f is not None]
    if chosen:
        search = search.post_filter(Q("bool", filter=chosen))
    search.aggs.bucket("by_kind", "filter", filter=estate_filter or Q("match_all")).bucket(
        "kinds", "terms", field="kind", size=20
    )
    search.aggs.bucket("by_estate", "filter", filter=kind_filter or Q("match_all")).bucket(
        "estates", "terms", field="estate", size=200, missing=NO_ESTATE
    )
    if request.ordering == Ordering.NEWEST:
        search = search.sort({"date": {"order": "desc", "missing": "_last"}}, "-row_id")
    else:
        search = search.sort("_score", {"date": {"order": "desc", "missing": "_last"}})
    search = search.source(["row_id"]).extra(track_total_hits=True)
    return search[request.offset : request.offset + request.limit]


def read_response(response: dict[str, Any]) -> BackendResult:
    """Turn an Elasticsearch response (dict-like) into ids, total and facets."""
    aggregations = response["aggregations"]
    kinds = {b["key"]: b["doc_count"] for b in aggregations["by_kind"]["kinds"]["buckets"]}
    estates = {
        (None if b["key"] == NO_ESTATE else b["key"]): b["doc_count"]
        for b in aggregations["by_estate"]["estates"]["buckets"]
    }
    ids = [int(hit["_id"]) for hit in response["hits"]["hits"]]
    total = response["hits"]["total"]["value"]
    return BackendResult(ids=ids, total=total, kind_counts=kinds, estate_counts=estates)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=10)
        return self._client

    def ensure_index(self) -> None:
        """Create the first index behind the alias if there is none."""
        if not self.client.indices.exists_alias(name=alias_name()):
            self._swap(self._create())

    def _create(self) -> str:
        index = new_index()
        index.create(using=self.client)
        return index._name

    def _swap(self, new: str) -> None:
        alias = alias_name()
        old = (
            list(self.client.indices.get_alias(name=alias))
            if self.client.indices.exists_alias(name=alias)
            else []
        )
        if not old and self.client.indices.exists(index=alias):
            self.client.indices.delete(index=alias)  # a plain index squatting on the alias name
        actions = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": new, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            if name != new:
                self.client.indices.delete(index=name)

    def _bulk(self, rows: Iterable, index: str) -> int:
        from elasticsearch.helpers import bulk

        actions = (
            IndexedDocument.from_row(row).to_dict(include_meta=True) | {"_index": index}
            for row in rows
        )
        done, _errors = bulk(self.client, actions, chunk_size=1000)
        return done

    def index(self, rows: Iterable) -> None:
        self.ensure_index()
        self._bulk(rows, alias_name())

    def remove(self, ids: Iterable[int]) -> None:
        from elasticsearch.helpers import bulk

        self.ensure_index()
        actions = ({"_op_type": "delete", "_index": alias_name(), "_id": pk} for pk in ids)
        bulk(self.client, actions, raise_on_error=False)

    def rebuild(self, rows: Iterable) -> None:
        """Fill a new index, then point the alias at it (zero downtime)."""
        name = self._create()
        self._bulk(rows.iterator(chunk_size=1000) if hasattr(rows, "iterator") else rows, name)
        self.client.indices.refresh(index=name)
        self._swap(name)

    def search(self, request: SearchRequest) -> BackendResult:
        if not request.query:
            return BackendResult(ids=[], total=0)
        response = build_search(request).using(self.client).execute()
        return read_response(response.to_dict())
