"""Full-text structures of the database backend, for the vendor in use.

SQLite: an external-content FTS5 table over the segmented title and body, kept in step by
triggers, and a covering index for the join back to the rows. PostgreSQL: a generated tsvector column ('simple' configuration: the text is already
segmented into words by jieba) with a GIN index.
"""

from __future__ import annotations

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        segmented_title, segmented_body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_fts_inserted AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, segmented_title, segmented_body)
        VALUES (new.id, new.segmented_title, new.segmented_body);
    END
    """,
    """
    CREATE TRIGGER search_fts_deleted AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, segmented_title, segmented_body)
        VALUES ('delete', old.id, old.segmented_title, old.segmented_body);
    END
    """,
    """
    CREATE TRIGGER search_fts_updated AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, segmented_title, segmented_body)
        VALUES ('delete', old.id, old.segmented_title, old.segmented_body);
        INSERT INTO search_fts(rowid, segmented_title, segmented_body)
        VALUES (new.id, new.segmented_title, new.segmented_body);
    END
    """,
    # Matches are joined to their rows by id; this index answers the permission filter, the
    # facets and the date order without reading the (large) rows themselves.
    """
    CREATE INDEX search_doc_covering
    ON search_searchdocument (id, visibility, estate_id, kind, date)
    """,
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_covering",
    "DROP TRIGGER IF EXISTS search_fts_updated",
    "DROP TRIGGER IF EXISTS search_fts_deleted",
    "DROP TRIGGER IF EXISTS search_fts_inserted",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(segmented_title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(segmented_body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_searchdocument USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
