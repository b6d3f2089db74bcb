"""Make the audit log append-only in the database itself, on SQLite and PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER community_auditevent_no_update BEFORE UPDATE ON community_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER community_auditevent_no_delete BEFORE DELETE ON community_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS community_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS community_auditevent_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION gongzhi_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER community_auditevent_append_only BEFORE UPDATE OR DELETE ON community_auditevent
       FOR EACH ROW EXECUTE FUNCTION gongzhi_refuse_change();""",
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS community_auditevent_append_only ON community_auditevent;"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
