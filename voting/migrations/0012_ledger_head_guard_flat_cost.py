"""The ledger head's guard asks for the chain's last entry by the index, at a flat cost.

The guard (0009) refused a head that is not at the chain's last entry with
`EXISTS (… WHERE assembly_id = NEW.assembly_id AND sequence > NEW.sequence)`. Inside the
trigger function PostgreSQL plans that once, generically, and the generic plan scans the
whole table: 10 ms at 100,000 entries, on every cast (issue #15: a cast must not cost more
as votes accumulate). `max(sequence)` for the assembly is read from the end of the
(assembly, sequence) unique index whatever the parameters. The rule is unchanged: the head
names the entry with the highest sequence, its hash, while voting is open.
"""

import importlib

from django.db import migrations

V2 = importlib.import_module("voting.migrations.0009_ledger_v2_commitments_pending_queue_guards")
GENESIS = V2.GENESIS
MESSAGE = V2.HEAD_GUARD_MESSAGE
LAST_SEQUENCE = (
    "COALESCE((SELECT max(sequence) FROM voting_ledgerentry"
    " WHERE assembly_id = NEW.assembly_id), 0)"
)

SQLITE = [
    "DROP TRIGGER IF EXISTS voting_ledgerhead_no_update;",
    f"""CREATE TRIGGER voting_ledgerhead_no_update BEFORE UPDATE ON voting_ledgerhead
        WHEN NEW.assembly_id != OLD.assembly_id OR NEW.version != OLD.version
          OR NEW.roll_hash != OLD.roll_hash OR NEW.secret != OLD.secret
          OR NEW.sequence <= OLD.sequence
          OR NEW.last_hash IS NOT (SELECT hash FROM voting_ledgerentry
                                   WHERE assembly_id = NEW.assembly_id AND sequence = NEW.sequence)
          OR {LAST_SEQUENCE} > NEW.sequence
          OR (SELECT state FROM voting_assemblypage WHERE page_ptr_id = NEW.assembly_id) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
POSTGRES = [
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
               OR {LAST_SEQUENCE} > NEW.sequence
               OR (SELECT state FROM voting_assemblypage WHERE page_ptr_id = NEW.assembly_id)
                  IS DISTINCT FROM 'open'
            THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'voting_ledgerhead is append-only';
    END; $$ LANGUAGE plpgsql;""",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def flat(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRES})


def as_before(apps, schema_editor):
    old_sqlite = [V2.SQLITE_HEAD_UNGUARD[1], V2.SQLITE_HEAD_GUARD[1]]
    old_postgres = [V2.POSTGRES_HEAD_GUARD[0]]
    _run(schema_editor, {"sqlite": old_sqlite, "postgresql": old_postgres})


class Migration(migrations.Migration):
    dependencies = [("voting", "0011_roll_objection_corrections")]

    operations = [migrations.RunPython(flat, as_before)]
