"""Supports are public records written once: the database refuses UPDATE, DELETE, TRUNCATE."""

from __future__ import annotations

from django.db import migrations

from portal.community.append_only import create_triggers, drop_triggers


def forwards(apps, schema_editor):
    create_triggers(schema_editor, ["proposals_support"])


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, ["proposals_support"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
