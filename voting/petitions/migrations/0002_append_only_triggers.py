"""Petitions, signatures, withdrawals and milestones refuse UPDATE, DELETE and (PostgreSQL)
TRUNCATE in the database itself, as the roll and ballots do (portal/community/append_only.py)."""

from django.db import migrations

from portal.community.append_only import create_triggers, drop_triggers

TABLES = [
    "petitions_petition",
    "petitions_petitionsignature",
    "petitions_signaturewithdrawal",
    "petitions_petitionevent",
]


def forwards(apps, schema_editor):
    create_triggers(schema_editor, TABLES)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_petitions")]
    operations = [migrations.RunPython(forwards, backwards)]
