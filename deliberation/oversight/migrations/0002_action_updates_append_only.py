"""Make progress updates append-only in the database itself, on SQLite and PostgreSQL."""

from django.db import migrations

TABLE = "oversight_actionitemupdate"
SQLITE_UP = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'action item updates are append-only'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'action item updates are append-only'); END;""",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]
# gongzhi_refuse_change() is created by community 0002 (the audit log).
POSTGRES_UP = [
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION gongzhi_refuse_change();"""
]
POSTGRES_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_joint_meetings_and_action_items"),
        ("community", "0002_audit_append_only"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
