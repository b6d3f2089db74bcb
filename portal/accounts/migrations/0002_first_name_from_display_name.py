"""Copy each account's name into first_name, which Wagtail's admin shows (issue #13.7).

Idempotent; reversing leaves the names in place (they are the same names).
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import F


def copy_names(apps, schema_editor) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.exclude(first_name=F("display_name")).update(
        first_name=F("display_name"), last_name=""
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(copy_names, migrations.RunPython.noop)]
