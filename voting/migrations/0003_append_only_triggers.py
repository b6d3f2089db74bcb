"""Make the roll and the ballots append-only in the database itself (SQLite and PostgreSQL).

The same pattern as community 0002 for the audit log: the models refuse updates and
deletes, and these triggers refuse them from any query, hand-written or not.
"""

from django.db import migrations

TABLES = (
    "voting_electoralroll",
    "voting_votingright",
    "voting_votingrightunit",
    "voting_ballot",
    "voting_ballotchoice",
    "voting_paperconfirmation",
)


def _sqlite_up(table):
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
    ]


def _sqlite_down(table):
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def _postgres_up(table):
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION gongzhi_refuse_change();"""
    ]


def _postgres_down(table):
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]


POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION gongzhi_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
    builder = {"sqlite": _sqlite_up, "postgresql": _postgres_up}.get(vendor)
    if builder is None:
        return
    for table in TABLES:
        for statement in builder(table):
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    builder = {"sqlite": _sqlite_down, "postgresql": _postgres_down}.get(
        schema_editor.connection.vendor
    )
    if builder is None:
        return
    for table in TABLES:
        for statement in builder(table):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("voting", "0002_assemblies_roll_ballots"), ("community", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
