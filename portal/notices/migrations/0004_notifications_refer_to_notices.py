"""Notice notifications made before they referred to their notice: refer them.

So acknowledging a notice marks its earlier inbox items read too. Recognised by their
dedupe keys; idempotent (only batches without a subject are touched).
"""

import re

from django.db import migrations

NOTICE_KEY = re.compile(r"^notice:(\d+):(published|reminder)$")


def refer(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    NotificationBatch = apps.get_model("notifications", "NotificationBatch")
    NoticePage = apps.get_model("notices", "NoticePage")
    batches = NotificationBatch.objects.filter(
        category="notice", subject_type__isnull=True, dedupe_key__startswith="notice:"
    ).only("pk", "dedupe_key")
    if not batches.exists():
        return
    notice_type, _ = ContentType.objects.get_or_create(app_label="notices", model="noticepage")
    notice_ids = set(NoticePage.objects.values_list("pk", flat=True))
    for batch in batches.iterator():
        match = NOTICE_KEY.match(batch.dedupe_key)
        if match and int(match.group(1)) in notice_ids:
            NotificationBatch.objects.filter(pk=batch.pk).update(
                subject_type=notice_type, subject_id=int(match.group(1))
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notices", "0003_seed_template_library"),
        ("notifications", "0002_batch_subject"),
    ]

    operations = [migrations.RunPython(refer, migrations.RunPython.noop)]
