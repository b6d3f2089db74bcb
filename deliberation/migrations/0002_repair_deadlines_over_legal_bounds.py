"""Bring stored deadline policies within the promise (24 h / 48 h at most) before the database
enforces it: a longer deadline becomes the longest allowed, each change audited with the old
value. The bounds are copied here so this migration means the same thing forever."""

from django.db import migrations

BOUNDS = {"response_hours": (1, 24), "close_hours": (1, 48)}


def repair(apps, schema_editor):
    DeadlinePolicy = apps.get_model("deliberation", "DeadlinePolicy")
    AuditEvent = apps.get_model("community", "AuditEvent")
    for row in DeadlinePolicy.objects.values("pk", "estate_id", "category", *BOUNDS):
        changes = {}
        for field, (low, high) in BOUNDS.items():
            new = min(max(row[field], low), high)
            if new != row[field]:
                changes[field] = {"from": row[field], "to": new}
        if not changes:
            continue
        DeadlinePolicy.objects.filter(pk=row["pk"]).update(
            **{field: change["to"] for field, change in changes.items()}
        )
        AuditEvent.objects.create(
            action="deliberation.deadline_policy_repaired",
            estate_id=row["estate_id"],
            object_type="deliberation.deadlinepolicy",
            object_id=str(row["pk"]),
            object_repr=row["category"],
            details={"changes": changes},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0001_threads_posts_moderation"),
        ("community", "0004_claim_evidence_private"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
