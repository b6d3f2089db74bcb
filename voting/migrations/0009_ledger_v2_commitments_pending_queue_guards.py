"""The ledger's second format (gongzhi-ledger-v2, voting/LEDGER.md) and its guards.

- Ballots get the commitment scheme's columns (nonce, right nonce, commitment, seal); the
  roll its hash; the head its version, the roll hash and secrecy it was opened with, and a
  seal. Existing chains keep verifying as gongzhi-ledger-v1: their heads get version 1 and
  their ballots empty columns, which the v1 algorithm never reads.
- A queue of ballots waiting for their place in the chain (LedgerPending), so sequencing
  reads only those; ballots already waiting when this runs are put in it.
- Which notice published which statement of the chain (LedgerPublication).
- The database guards: the head only moves forward, to the hash of the entry it names,
  while voting is open, and is never deleted; the roll's holders, certified results and
  publications join the append-only tables; on PostgreSQL every one of them refuses
  TRUNCATE.

On SQLite, adding columns rebuilds voting_ballot, voting_electoralroll and
voting_ledgerhead, which drops their triggers: they are created again at the end.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from portal.community.append_only import (
    create_triggers,
    drop_triggers,
    drop_truncate_triggers,
)

GENESIS = "0" * 64
APPEND_ONLY = [
    "voting_electoralroll",
    "voting_votingright",
    "voting_votingrightunit",
    "voting_ballot",
    "voting_ballotchoice",
    "voting_paperconfirmation",
    "voting_ledgerentry",
]
NEWLY_APPEND_ONLY = [
    "voting_votingright_holders",
    "voting_assemblyresult",
    "voting_ledgerpublication",
]

HEAD_GUARD_MESSAGE = "voting_ledgerhead only moves forward, to its last entry, while voting is open"
SQLITE_HEAD_GUARD = [
    f"""CREATE TRIGGER voting_ledgerhead_start BEFORE INSERT ON voting_ledgerhead
        WHEN NEW.sequence != 0 OR NEW.last_hash != '{GENESIS}'
        BEGIN SELECT RAISE(ABORT, 'voting_ledgerhead starts at the genesis'); END;""",
    f"""CREATE TRIGGER voting_ledgerhead_no_update BEFORE UPDATE ON voting_ledgerhead
        WHEN NEW.assembly_id != OLD.assembly_id OR NEW.version != OLD.version
          OR NEW.roll_hash != OLD.roll_hash OR NEW.secret != OLD.secret
          OR NEW.sequence <= OLD.sequence
          OR NEW.last_hash IS NOT (SELECT hash FROM voting_ledgerentry
                                   WHERE assembly_id = NEW.assembly_id AND sequence = NEW.sequence)
          OR EXISTS (SELECT 1 FROM voting_ledgerentry
                     WHERE assembly_id = NEW.assembly_id AND sequence > NEW.sequence)
          OR (SELECT state FROM voting_assemblypage WHERE page_ptr_id = NEW.assembly_id) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, '{HEAD_GUARD_MESSAGE}'); END;""",
    """CREATE TRIGGER voting_ledgerhead_no_delete BEFORE DELETE ON voting_ledgerhead
        BEGIN SELECT RAISE(ABORT, 'voting_ledgerhead is append-only'); END;""",
]
SQLITE_HEAD_UNGUARD = [
    "DROP TRIGGER IF EXISTS voting_ledgerhead_start;",
    "DROP TRIGGER IF EXISTS voting_ledgerhead_no_update;",
    "DROP TRIGGER IF EXISTS voting_ledgerhead_no_delete;",
]
POSTGRES_HEAD_GUARD = [
    f"""CREATE OR REPLACE FUNCTION gongzhi_ledger_head_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.sequence <> 0 OR NEW.last_hash <> '{GENESIS}' THEN
                RAISE EXCEPTION 'voting_ledgerhead starts at the genesis';
            END IF;
            RETURN NEW;
        ELSIF TG_OP = 'UPDATE' THEN
            IF NEW.assembly_id <> OLD.assembly_id OR NEW.version <> OLD.version
               OR NEW.roll_hash <> OLD.roll_hash OR NEW.secret <> OLD.secret
               OR NEW.sequence <= OLD.sequence
               OR NEW.last_hash IS DISTINCT FROM (
                   SELECT hash FROM voting_ledgerentry
                   WHERE assembly_id = NEW.assembly_id AND sequence = NEW.sequence)
               OR EXISTS (SELECT 1 FROM voting_ledgerentry
                          WHERE assembly_id = NEW.assembly_id AND sequence > NEW.sequence)
               OR (SELECT state FROM voting_assemblypage WHERE page_ptr_id = NEW.assembly_id)
                  IS DISTINCT FROM 'open'
            THEN
                RAISE EXCEPTION '{HEAD_GUARD_MESSAGE}';
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'voting_ledgerhead is append-only';
    END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS voting_ledgerhead_guard ON voting_ledgerhead;",
    """CREATE TRIGGER voting_ledgerhead_guard BEFORE INSERT OR UPDATE OR DELETE ON voting_ledgerhead
        FOR EACH ROW EXECUTE FUNCTION gongzhi_ledger_head_guard();""",
    "DROP TRIGGER IF EXISTS voting_ledgerhead_no_truncate ON voting_ledgerhead;",
    """CREATE TRIGGER voting_ledgerhead_no_truncate BEFORE TRUNCATE ON voting_ledgerhead
        FOR EACH STATEMENT EXECUTE FUNCTION gongzhi_refuse_change();""",
]
POSTGRES_HEAD_UNGUARD = [
    "DROP TRIGGER IF EXISTS voting_ledgerhead_guard ON voting_ledgerhead;",
    "DROP TRIGGER IF EXISTS voting_ledgerhead_no_truncate ON voting_ledgerhead;",
    "DROP FUNCTION IF EXISTS gongzhi_ledger_head_guard();",
]


def queue_waiting_ballots(apps, schema_editor):
    """Put every ballot that has no ledger entry yet in the queue (normally none)."""
    Ballot = apps.get_model("voting", "Ballot")
    LedgerPending = apps.get_model("voting", "LedgerPending")
    waiting = Ballot.objects.filter(ledger_entry__isnull=True, ledger_pending__isnull=True)
    LedgerPending.objects.bulk_create(
        LedgerPending(assembly_id=ballot.assembly_id, ballot_id=ballot.pk)
        for ballot in waiting.only("pk", "assembly_id").iterator()
    )


def restore_v1_triggers(apps, schema_editor):
    # Reversing the column additions rebuilt these tables on SQLite, without their triggers.
    create_triggers(schema_editor, APPEND_ONLY)


def guard(apps, schema_editor):
    create_triggers(schema_editor, APPEND_ONLY + NEWLY_APPEND_ONLY)
    statements = {"sqlite": SQLITE_HEAD_GUARD, "postgresql": POSTGRES_HEAD_GUARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def unguard(apps, schema_editor):
    statements = {"sqlite": SQLITE_HEAD_UNGUARD, "postgresql": POSTGRES_HEAD_UNGUARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)
    drop_triggers(schema_editor, NEWLY_APPEND_ONLY)
    drop_truncate_triggers(schema_editor, APPEND_ONLY)


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0003_seed_template_library'),
        ('voting', '0008_legal_bounds'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_v1_triggers),
        migrations.AddField(
            model_name='ballot',
            name='commitment',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ballot',
            name='nonce',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ballot',
            name='right_nonce',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ballot',
            name='seal',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='electoralroll',
            name='roll_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='名册哈希'),
        ),
        migrations.AddField(
            model_name='ledgerhead',
            name='roll_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgerhead',
            name='seal',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgerhead',
            name='secret',
            field=models.BooleanField(default=False),
        ),
        # Heads that exist already are v1 chains; every head created from now on is v2.
        migrations.AddField(
            model_name='ledgerhead',
            name='version',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name='ledgerhead',
            name='version',
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.CreateModel(
            name='LedgerPending',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('assembly', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='voting.assemblypage')),
                ('ballot', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_pending', to='voting.ballot')),
            ],
            options={
                'verbose_name': '待记账选票',
                'verbose_name_plural': '待记账选票',
            },
        ),
        migrations.CreateModel(
            name='LedgerPublication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moment', models.CharField(choices=[('opened', '投票开始'), ('closed', '投票结束'), ('certified', '结果核定')], max_length=12, verbose_name='时点')),
                ('line', models.CharField(max_length=200, verbose_name='账本校验值')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='发布时间')),
                ('assembly', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_publications', to='voting.assemblypage')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='notices.noticepage', verbose_name='公告')),
            ],
            options={
                'verbose_name': '账本公布记录',
                'verbose_name_plural': '账本公布记录',
                'ordering': ['assembly', 'published_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('assembly', 'moment'), name='ledger_publication_once')],
            },
        ),
        migrations.RunPython(queue_waiting_ballots, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
