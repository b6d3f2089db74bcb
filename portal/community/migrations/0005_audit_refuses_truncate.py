"""On PostgreSQL the audit log refuses TRUNCATE too (row triggers do not see it)."""

from django.db import migrations

from portal.community.append_only import create_truncate_triggers, drop_truncate_triggers

TABLES = ["community_auditevent"]


def forwards(apps, schema_editor):
    create_truncate_triggers(schema_editor, TABLES)


def backwards(apps, schema_editor):
    drop_truncate_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("community", "0004_claim_evidence_private")]
    operations = [migrations.RunPython(forwards, backwards)]
