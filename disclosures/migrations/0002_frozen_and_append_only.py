"""The database keeps what is published as published.

- Append-only (no UPDATE, DELETE, TRUNCATE): publication and correction records, the link of a
  question to its line, evaluation responses and their scores.
- Frozen once published: a disclosure whose published_at is set refuses UPDATE and DELETE, and
  its lines and line reviews refuse INSERT, UPDATE and DELETE.
"""

from django.db import migrations

from portal.community.append_only import create_triggers, drop_triggers

APPEND_ONLY = [
    "disclosures_disclosurerecord",
    "disclosures_linequestion",
    "disclosures_evaluationresponse",
    "disclosures_evaluationscore",
]

PUBLISHED = "(SELECT published_at FROM disclosures_disclosure WHERE id = {ref}.disclosure_id)"
PUBLISHED_VIA_LINE = (
    "(SELECT d.published_at FROM disclosures_disclosure d JOIN disclosures_disclosureline l"
    " ON l.disclosure_id = d.id WHERE l.id = {ref}.line_id)"
)

SQLITE = [
    ("disclosures_disclosure_frozen_update", "UPDATE", "disclosures_disclosure", "OLD.published_at IS NOT NULL"),
    ("disclosures_disclosure_frozen_delete", "DELETE", "disclosures_disclosure", "OLD.published_at IS NOT NULL"),
    ("disclosures_line_frozen_insert", "INSERT", "disclosures_disclosureline", PUBLISHED.format(ref="NEW") + " IS NOT NULL"),
    ("disclosures_line_frozen_update", "UPDATE", "disclosures_disclosureline",
     PUBLISHED.format(ref="OLD") + " IS NOT NULL OR " + PUBLISHED.format(ref="NEW") + " IS NOT NULL"),
    ("disclosures_line_frozen_delete", "DELETE", "disclosures_disclosureline", PUBLISHED.format(ref="OLD") + " IS NOT NULL"),
    ("disclosures_review_frozen_insert", "INSERT", "disclosures_linereview", PUBLISHED_VIA_LINE.format(ref="NEW") + " IS NOT NULL"),
    ("disclosures_review_frozen_update", "UPDATE", "disclosures_linereview",
     PUBLISHED_VIA_LINE.format(ref="OLD") + " IS NOT NULL OR " + PUBLISHED_VIA_LINE.format(ref="NEW") + " IS NOT NULL"),
    ("disclosures_review_frozen_delete", "DELETE", "disclosures_linereview", PUBLISHED_VIA_LINE.format(ref="OLD") + " IS NOT NULL"),
]

POSTGRES_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION disclosures_refuse_published_disclosure() RETURNS trigger AS $$
    BEGIN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'published disclosure % is frozen', OLD.id;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION disclosures_refuse_published_line() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM disclosures_disclosure
                WHERE id = OLD.disclosure_id AND published_at IS NOT NULL)
           OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (SELECT 1 FROM disclosures_disclosure
                WHERE id = NEW.disclosure_id AND published_at IS NOT NULL) THEN
            RAISE EXCEPTION 'the lines of a published disclosure are frozen';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION disclosures_refuse_published_review() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM disclosures_disclosure d
                JOIN disclosures_disclosureline l ON l.disclosure_id = d.id
                WHERE l.id = OLD.line_id AND d.published_at IS NOT NULL)
           OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (SELECT 1 FROM disclosures_disclosure d
                JOIN disclosures_disclosureline l ON l.disclosure_id = d.id
                WHERE l.id = NEW.line_id AND d.published_at IS NOT NULL) THEN
            RAISE EXCEPTION 'the reviews of a published disclosure are frozen';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_TRIGGERS = [
    ("disclosures_disclosure_frozen", "disclosures_disclosure", "UPDATE OR DELETE", "disclosures_refuse_published_disclosure"),
    ("disclosures_line_frozen", "disclosures_disclosureline", "INSERT OR UPDATE OR DELETE", "disclosures_refuse_published_line"),
    ("disclosures_review_frozen", "disclosures_linereview", "INSERT OR UPDATE OR DELETE", "disclosures_refuse_published_review"),
]


def forwards(apps, schema_editor):
    create_triggers(schema_editor, APPEND_ONLY)
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, event, table, condition in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: a published disclosure is frozen'); END;",
                params=None,
            )
    elif vendor == "postgresql":
        for function in POSTGRES_FUNCTIONS:
            schema_editor.execute(function, params=None)
        for name, table, events, function in POSTGRES_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};", params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}();",
                params=None,
            )


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, APPEND_ONLY)
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, *_rest in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
    elif vendor == "postgresql":
        for name, table, *_rest in POSTGRES_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};", params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
