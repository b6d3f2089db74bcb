"""Move each ballot's place in the hash chain to its own append-only row (LedgerEntry).

Ballots and their choices are now inserted in the voter's transaction without the
per-assembly lock; a short serialised step right after commit appends the LedgerEntry
(sequence, prev_hash, hash). The hashed fields and the algorithm are unchanged
(gongzhi-ledger-v1), so existing chains are copied over as they are.

On SQLite, dropping columns rebuilds voting_ballot, which drops its triggers; they are
created again at the end, and the new table gets the same append-only triggers.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from portal.community.append_only import create_triggers, drop_triggers


def copy_chain(apps, schema_editor):
    Ballot = apps.get_model("voting", "Ballot")
    LedgerEntry = apps.get_model("voting", "LedgerEntry")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            assembly_id=ballot.assembly_id,
            ballot_id=ballot.pk,
            sequence=ballot.sequence,
            prev_hash=ballot.prev_hash,
            hash=ballot.hash,
            sequenced_at=ballot.cast_at,
        )
        for ballot in Ballot.objects.order_by("assembly_id", "sequence").iterator()
    )


def append_only(apps, schema_editor):
    create_triggers(schema_editor, ["voting_ballot", "voting_ledgerentry"])


def no_longer_append_only(apps, schema_editor):
    drop_triggers(schema_editor, ["voting_ledgerentry"])


class Migration(migrations.Migration):
    dependencies = [("voting", "0004_assembly_results")]

    operations = [
        migrations.CreateModel(
            name="LedgerEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveIntegerField(verbose_name="账本序号")),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("sequenced_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("assembly", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="ledger_entries", to="voting.assemblypage")),
                ("ballot", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="ledger_entry", to="voting.ballot")),
            ],
            options={
                "verbose_name": "账本条目",
                "verbose_name_plural": "账本条目",
                "ordering": ["assembly", "sequence"],
                "constraints": [
                    models.UniqueConstraint(fields=("assembly", "sequence"), name="ledger_entry_seq"),
                    models.UniqueConstraint(fields=("assembly", "prev_hash"), name="ledger_entry_no_fork"),
                    models.CheckConstraint(condition=models.Q(("sequence__gte", 1)), name="ledger_entry_seq_positive"),
                    models.CheckConstraint(condition=models.Q(("prev_hash", models.F("hash")), _negated=True), name="ledger_entry_hash_differs_from_prev"),
                ],
            },
        ),
        migrations.RunPython(copy_chain, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="ballot",
            options={"ordering": ["assembly", "id"], "verbose_name": "选票", "verbose_name_plural": "选票"},
        ),
        migrations.RemoveConstraint(model_name="ballot", name="ballot_ledger_seq"),
        migrations.RemoveConstraint(model_name="ballot", name="ballot_hash_differs_from_prev"),
        migrations.RemoveField(model_name="ballot", name="hash"),
        migrations.RemoveField(model_name="ballot", name="prev_hash"),
        migrations.RemoveField(model_name="ballot", name="sequence"),
        migrations.RunPython(append_only, no_longer_append_only),
    ]
