"""The embedded backend: full-text search in the database the site already uses.

SQLite: an FTS5 table `search_fts` over the segmented title and body, kept in step with
`search_searchdocument` by triggers, ranked with bm25 (title weighted). PostgreSQL: a
generated `search_vector` column (`to_tsvector('simple', …)`, title weight A, body B) with a
GIN index, ranked with ts_rank. Both created in migration 0002.

Every query carries the reader's audience as SQL conditions on the joined row, so what the
reader may not see is never selected, counted or ranked.
"""

from __future__ import annotations

from django.db import connection, connections

from portal.replica import read_alias, replica_reads
from search.backends import SearchBackend
from search.choices import DocumentKind, Ordering
from search.query import Audience, BackendResult, SearchRequest, facet_counts
from search.segment import Term

TABLE = "search_searchdocument"
TITLE_WEIGHT = 6.0
PHRASE_BOOST = 2.0
# Discussion threads rank below published pages for an equal match (see kind_weight_sql).
DISCUSSION_WEIGHT = 0.35
# Added to the score of a document found only by a word's parts (委托他人投票 for 委托投票):
# larger than any text score, so every document holding the word itself comes first.
PARTS_ONLY_PENALTY = 1000.0


def audience_sql(audience: Audience, alias: str = "d") -> tuple[str, list]:
    """Return the SQL condition (and parameters) for the documents the audience may see."""
    if audience.everything:
        return "1 = 1", []
    clauses = [f"{alias}.visibility = %s"]
    params: list = ["public"]
    if audience.signed_in:
        clauses.append(f"{alias}.estate_id IS NULL")
    for visibility, estates in (
        ("members", audience.member_estates),
        ("owners", audience.owner_estates),
    ):
        if estates:
            marks = ", ".join(["%s"] * len(estates))
            clauses.append(f"({alias}.visibility = %s AND {alias}.estate_id IN ({marks}))")
            params.extend([visibility, *sorted(estates)])
    return "(" + " OR ".join(clauses) + ")", params


def _filters_sql(request: SearchRequest, alias: str = "m") -> tuple[str, list]:
    """Return the reader's type and estate choices as SQL conditions."""
    sql, params = "", []
    if request.kind:
        sql += f" AND {alias}.kind = %s"
        params.append(request.kind)
    if request.estate_id:
        sql += f" AND {alias}.estate_id = %s"
        params.append(request.estate_id)
    return sql, params


# --- SQLite FTS5 ------------------------------------------------------------------------------


def _fts_word(word: str, *, prefix: bool = False) -> str:
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


def _any_of(options: list[str], joiner: str) -> str:
    return options[0] if len(options) == 1 else "(" + joiner.join(options) + ")"


def _fts_term(term: Term, *, parts: bool = True) -> str:
    options = [
        _fts_word(alt, prefix=term.is_prefix and alt == term.word) for alt in term.alternatives
    ]
    if parts and term.parts:
        groups = [_any_of([_fts_word(alt) for alt in group], " OR ") for group in term.parts]
        options.append("(" + " AND ".join(groups) + ")")
    return _any_of(options, " OR ")


def fts_match(request: SearchRequest, *, parts: bool = True) -> str:
    """Return the FTS5 MATCH expression: all (or any) terms, plus the phrase for ranking.

    A document containing the phrase contains every word, so OR-ing the phrase in changes
    no match; it adds to bm25, which ranks phrase matches first. Without `parts`, the
    expression matches only the documents that hold each word whole (or a synonym).
    """
    joiner = " AND " if request.match_all else " OR "
    expression = joiner.join(_fts_term(term, parts=parts) for term in request.query.terms)
    words = request.query.words
    if len(words) > 1:
        phrase = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        expression = f"({expression}) OR {phrase}"
    return expression


# --- PostgreSQL -------------------------------------------------------------------------------


def _ts_word(word: str, *, prefix: bool = False) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def _ts_term(term: Term, *, parts: bool = True) -> str:
    options = [
        _ts_word(alt, prefix=term.is_prefix and alt == term.word) for alt in term.alternatives
    ]
    if parts and term.parts:
        groups = [_any_of([_ts_word(alt) for alt in group], " | ") for group in term.parts]
        options.append("(" + " & ".join(groups) + ")")
    return _any_of(options, " | ")


def ts_query(request: SearchRequest, *, parts: bool = True) -> tuple[str, str, str]:
    """Return the tsquery texts for the match, the rank and the phrase bonus.

    The rank uses the terms OR-ed: ts_rank scores an AND query by how close its words stand,
    which would put every short notice above the article that explains the subject.
    """
    terms = [_ts_term(term, parts=parts) for term in request.query.terms]
    match = (" & " if request.match_all else " | ").join(terms)
    rank = " | ".join(terms)
    words = request.query.words
    phrase = " <-> ".join(_ts_word(w) for w in words) if len(words) > 1 else rank
    return match, rank, phrase


def kind_weight_sql() -> str:
    """Return the SQL factor on a match's score by its kind (scores are negative, lower first).

    Discussion is what people said, pages are what the estate published: for an equally good
    match, the published page comes first. A busy estate has hundreds of threads mentioning 电梯;
    without this they bury the lift notice and the article on how lift repairs are paid for.
    """
    weight = DISCUSSION_WEIGHT
    return f"(CASE WHEN d.kind = '{DocumentKind.DELIBERATION.value}' THEN {weight} ELSE 1.0 END)"


class DatabaseBackend(SearchBackend):
    name = "database"

    def rebuild(self, rows) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")

    def search(self, request: SearchRequest) -> BackendResult:
        """Match, rank and count in one statement: the matches (already limited to the
        audience) are materialised once, then grouped for the facets and sorted for the page.
        """
        if not request.query:
            return BackendResult(ids=[], total=0)
        if connection.vendor == "postgresql":
            source, match_sql, match_params, score, whole = self._postgres(request)
        else:
            source, match_sql, match_params, score, whole = self._sqlite(request)
        audience, audience_params = audience_sql(request.audience)
        filters, filter_params = _filters_sql(request)
        score_sql, score_params = score
        tier_sql, tier_params = "0", []
        if request.query.has_parts:
            # Documents holding each word whole first; those found by its parts after them.
            tier_sql = f"CASE WHEN {whole[0]} THEN 0 ELSE {PARTS_ONLY_PENALTY} END"
            tier_params = whole[1]
        if request.ordering == Ordering.NEWEST:
            order = "m.date DESC NULLS LAST, m.id DESC"
        else:
            order = "m.score ASC, m.date DESC NULLS LAST, m.id DESC"
        sql = (
            "WITH m AS MATERIALIZED ("
            "SELECT d.id, d.kind, d.estate_id, d.date, "
            f"({score_sql}) * {kind_weight_sql()} + ({tier_sql}) AS score "
            f"FROM {source} WHERE {match_sql} AND {audience}"
            ") "
            "SELECT 'facet', m.kind, m.estate_id, COUNT(*), 0 FROM m GROUP BY m.kind, m.estate_id "
            "UNION ALL "
            "SELECT * FROM ("
            "SELECT 'hit', CAST(NULL AS TEXT), CAST(NULL AS BIGINT), m.id, "
            f"ROW_NUMBER() OVER (ORDER BY {order}) FROM m "
            f"WHERE 1 = 1{filters} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
            ") AS page"
        )
        params = [
            *score_params,
            *tier_params,
            *match_params,
            *audience_params,
            *filter_params,
            request.limit,
            request.offset,
        ]
        # Search only reads: the replica may answer it (portal.replica).
        with replica_reads(), connections[read_alias()].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        groups = [(kind, estate, count) for tag, kind, estate, count, _ in rows if tag == "facet"]
        hits = sorted((position, pk) for tag, _k, _e, pk, position in rows if tag == "hit")
        ids = [pk for _position, pk in hits]
        total, kinds, estates = facet_counts(groups, kind=request.kind, estate_id=request.estate_id)
        return BackendResult(ids, total, kinds, estates)

    def _sqlite(self, request: SearchRequest):
        # INDEXED BY: read the filter columns from the covering index, never the wide rows.
        source = (
            f"search_fts JOIN {TABLE} d INDEXED BY search_doc_covering ON d.id = search_fts.rowid"
        )
        # bm25 is lower for better matches, so results sort ascending.
        score = (f"bm25(search_fts, {TITLE_WEIGHT}, 1.0)", [])
        whole = (
            "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            [fts_match(request, parts=False)],
        )
        return source, "search_fts MATCH %s", [fts_match(request)], score, whole

    def _postgres(self, request: SearchRequest):
        match, rank, phrase = ts_query(request)
        source = f"{TABLE} d"
        # Negated so that, as on SQLite, better matches sort first in ascending order.
        score = (
            "-(ts_rank(d.search_vector, to_tsquery('simple', %s))"
            f" + {PHRASE_BOOST} * ts_rank(d.search_vector, to_tsquery('simple', %s)))",
            [rank, phrase],
        )
        whole = ("d.search_vector @@ to_tsquery('simple', %s)", [ts_query(request, parts=False)[0]])
        return source, "d.search_vector @@ to_tsquery('simple', %s)", [match], score, whole
