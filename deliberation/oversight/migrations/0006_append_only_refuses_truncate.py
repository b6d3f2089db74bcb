"""On PostgreSQL the action-item and meeting records refuse TRUNCATE too (row triggers do not
see it)."""

from django.db import migrations

from portal.community.append_only import create_truncate_triggers, drop_truncate_triggers

TABLES = ["oversight_actionitemupdate", "oversight_actionitemchange", "oversight_meetingchange"]


def forwards(apps, schema_editor):
    create_truncate_triggers(schema_editor, TABLES)


def backwards(apps, schema_editor):
    drop_truncate_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_meeting_changes")]
    operations = [migrations.RunPython(forwards, backwards)]
