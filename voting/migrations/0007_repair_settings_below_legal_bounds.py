"""Bring stored assembly settings within the legal bounds before the database enforces them.

A value the law never allowed (a notice period under 15 days, results due later than 3 days,
a result display under 15 days, a proxy cap of 0) is moved to the nearest allowed value, and
each repair is written to the audit log with the old value, so the change stays visible.
The bounds are copied here (not imported) so this migration means the same thing forever.
A proxy cap of 0 was read as "no cap" by the casting code, so it becomes NULL (no cap).
"""

from django.db import migrations

BOUNDS = {
    "min_notice_days": (15, None),
    "result_due_days": (1, 3),
    "result_display_days": (15, 365),
}


def _repaired(value, low, high):
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def repair(apps, schema_editor):
    AssemblyPage = apps.get_model("voting", "AssemblyPage")
    AuditEvent = apps.get_model("community", "AuditEvent")
    rows = AssemblyPage.objects.values("pk", "title", "proxy_cap_per_agent", *BOUNDS)
    for row in rows:
        changes = {}
        for field, (low, high) in BOUNDS.items():
            new = _repaired(row[field], low, high)
            if new != row[field]:
                changes[field] = {"from": row[field], "to": new}
        if row["proxy_cap_per_agent"] == 0:
            changes["proxy_cap_per_agent"] = {"from": 0, "to": None}
        if not changes:
            continue
        AssemblyPage.objects.filter(pk=row["pk"]).update(
            **{field: change["to"] for field, change in changes.items()}
        )
        AuditEvent.objects.create(
            action="assembly.legal_bounds_repaired",
            object_type="voting.assemblypage",
            object_id=str(row["pk"]),
            object_repr=row["title"][:200],
            details={"changes": changes},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0006_scans_private"),
        ("community", "0004_claim_evidence_private"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
