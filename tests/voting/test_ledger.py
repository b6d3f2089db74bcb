"""The ledger: every ballot chained by SHA-256; any edit, deletion, insertion or reordering
of one entry is detected, whether in an exported JSON or in the database itself."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.voting.conftest import full_choices, motions_of, open_assembly, right_of
from voting import actions, ledger
from voting.choices import Channel
from voting.models import Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(assembly, owner, owner_building1, register):
    for user in (owner, owner_building1, register.multi_owner):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=user,
        )
    return assembly


def test_entry_hash_is_sha256_of_sorted_compact_utf8_json(voted):
    entry = ledger.stored_entries(voted)[0]
    hashed = {k: entry[k] for k in ledger.HASHED_FIELDS}
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == entry["hash"]
    assert entry["prev_hash"] == "0" * 64
    assert entry["cast_at"].endswith("Z")


def test_the_chain_verifies(voted):
    result = ledger.verify_assembly(voted)
    assert result.ok and result.checked == 3


def test_secret_ballot_uses_a_fresh_pseudonym_per_ballot(
    estate_a, register, committee_chair, owner
):
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=True)
    right = right_of(owner, assembly)
    ballot = actions.cast_ballot(
        assembly, right, full_choices(assembly), channel=Channel.ONLINE, cast_by=owner
    ).ballot
    assert ballot.ledger_pseudonym != right.pseudonym
    assert right.pseudonym not in json.dumps(ledger.stored_entries(assembly))


def _exported(assembly):
    return json.loads(json.dumps(ledger.stored_entries(assembly)))


def _tamper_edit(entries):
    resolution_key = next(iter(entries[1]["choices"]))
    entries[1]["choices"][resolution_key] = (
        "oppose" if entries[1]["choices"][resolution_key] != "oppose" else "agree"
    )


def _tamper_edit_and_rehash(entries):
    entries[1]["channel"] = "paper"
    entries[1]["hash"] = ledger.entry_hash(entries[1])


def _tamper_delete(entries):
    del entries[1]


def _tamper_insert(entries):
    forged = copy.deepcopy(entries[1])
    forged["pseudonym"] = "f" * 16
    forged["hash"] = ledger.entry_hash(forged)
    entries.insert(2, forged)


def _tamper_reorder(entries):
    entries[0], entries[1] = entries[1], entries[0]


def _tamper_drop_last(entries):
    entries.pop()


@pytest.mark.parametrize(
    "tamper, broken_at",
    [
        (_tamper_edit, 2),
        (_tamper_edit_and_rehash, 3),
        (_tamper_delete, 2),
        (_tamper_insert, 3),
        (_tamper_reorder, 1),
        (_tamper_drop_last, 3),
    ],
)
def test_tampering_with_an_exported_ledger_is_detected(voted, tamper, broken_at):
    from voting.models import LedgerHead

    head = LedgerHead.objects.get(assembly=voted)
    entries = _exported(voted)
    assert ledger.verify_entries(entries, expected_count=3, expected_head=head.last_hash).ok
    tamper(entries)
    result = ledger.verify_entries(
        entries, assembly=voted.pk, expected_count=head.sequence, expected_head=head.last_hash
    )
    assert not result.ok
    assert result.broken_at == broken_at


TAMPERABLE = ("voting_ballot", "voting_ballotchoice", "voting_ledgerentry")


def _without_triggers(sql: str, params=()):
    """Run a statement with the append-only triggers out of the way (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in TAMPERABLE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            # Deferred foreign-key checks must fire first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TAMPERABLE:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        statements = sql.split(";")
        params = list(params)
        for statement in statements:
            count = statement.count("%s")
            cursor.execute(statement, params[:count])
            params = params[count:]


def _delete_ballot(ballot_id: int):
    return (
        "DELETE FROM voting_ballotchoice WHERE ballot_id = %s;"
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "DELETE FROM voting_ballot WHERE id = %s",
        [ballot_id, ballot_id, ballot_id],
    )


@pytest.mark.parametrize(
    "make_sql, broken_at, reason",
    [
        # edit: flip one choice of the second ballot
        (
            lambda b: (
                "UPDATE voting_ballotchoice SET choice = 'abstain' WHERE ballot_id = %s AND candidate_id IS NULL",
                [b[1].pk],
            ),
            2,
            "hash",
        ),
        # edit a column of the ballot row itself
        (
            lambda b: (
                "UPDATE voting_ballot SET ledger_pseudonym = 'ffffffffffffffff' WHERE id = %s",
                [b[1].pk],
            ),
            2,
            "hash",
        ),
        # delete the second ballot (its choices and its entry with it)
        (lambda b: _delete_ballot(b[1].pk), 2, "sequence"),
        # reorder: swap the sequence numbers of the first two entries (in steps: unique)
        (
            lambda b: (
                "UPDATE voting_ledgerentry SET sequence = 1000 WHERE ballot_id = %s;"
                "UPDATE voting_ledgerentry SET sequence = 1 WHERE ballot_id = %s;"
                "UPDATE voting_ledgerentry SET sequence = 2 WHERE ballot_id = %s",
                [b[0].pk, b[1].pk, b[0].pk],
            ),
            1,
            "prev_hash",
        ),
        # delete the last row of the chain (the head still knows the count)
        (lambda b: _delete_ballot(b[2].pk), 3, "count"),
        # edit the entry row: a forged hash for the second ballot
        (
            lambda b: (
                "UPDATE voting_ledgerentry SET hash = %s WHERE ballot_id = %s",
                ["f" * 64, b[1].pk],
            ),
            2,
            "hash",
        ),
    ],
)
def test_tampering_with_the_database_is_detected(voted, make_sql, broken_at, reason):
    ballots = list(Ballot.objects.filter(assembly=voted).order_by("id"))
    assert [b.sequence for b in ballots] == [1, 2, 3]
    sql, params = make_sql(ballots)
    _without_triggers(sql, params)
    result = ledger.verify_assembly(voted)
    assert not result.ok
    assert (result.broken_at, result.reason) == (broken_at, reason)


def test_a_ballot_outside_the_chain_is_reported_once_voting_has_closed(voted):
    """A ballot row with no ledger entry: pending while voting is open, broken after."""
    third = Ballot.objects.filter(assembly=voted).order_by("-id").first()
    _without_triggers(
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "UPDATE voting_ledgerhead SET sequence = 2, last_hash = "
        "(SELECT hash FROM voting_ledgerentry WHERE assembly_id = %s AND sequence = 2)"
        " WHERE assembly_id = %s",
        [third.pk, voted.pk, voted.pk],
    )
    while_open = ledger.verify_assembly(voted)
    assert while_open.ok and while_open.checked == 2 and while_open.pending == 1
    after_close = ledger.verify_assembly(voted, allow_pending=False)
    assert not after_close.ok
    assert (after_close.broken_at, after_close.reason) == (3, "unsequenced")


def test_entries_are_append_only_in_the_database(voted):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE voting_ledgerentry SET sequence = sequence + 10")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM voting_ledgerentry")
    assert ledger.verify_assembly(voted).ok


def test_verify_ledger_command_reports_success_and_the_first_broken_link(voted, capsys):
    call_command("verify_ledger", str(voted.pk))
    assert "3 entries" in capsys.readouterr().out
    ballot = Ballot.objects.get(assembly=voted, ledger_entry__sequence=2)
    _without_triggers(
        "UPDATE voting_ballot SET cast_at = '2026-01-01 00:00:00' WHERE id = %s", [ballot.pk]
    )
    with pytest.raises(CommandError, match="BROKEN at entry 2"):
        call_command("verify_ledger", str(voted.pk))


def test_choices_of_an_election_are_candidate_ids_in_ascending_order(voted):
    election = motions_of(voted)[2]
    entry = ledger.stored_entries(voted)[0]
    picked = entry["choices"][str(election.pk)]
    assert picked == sorted(picked) and len(picked) == 2


def test_verify_ledger_sequence_catches_up_a_ballot_left_waiting(voted, capsys):
    """A process that died between a ballot's commit and its sequencing leaves it waiting;
    `verify_ledger --sequence` (as the next cast or the close would) gives it its place."""
    third = Ballot.objects.filter(assembly=voted).order_by("-id").first()
    lost_hash = third.ledger_entry.hash
    _without_triggers(
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "UPDATE voting_ledgerhead SET sequence = 2, last_hash = "
        "(SELECT hash FROM voting_ledgerentry WHERE assembly_id = %s AND sequence = 2)"
        " WHERE assembly_id = %s",
        [third.pk, voted.pk, voted.pk],
    )
    call_command("verify_ledger", str(voted.pk))
    assert "1 ballot(s) committed moments ago" in capsys.readouterr().out
    call_command("verify_ledger", str(voted.pk), "--sequence")
    out = capsys.readouterr().out
    assert "Sequenced 1 waiting ballot(s)" in out and "3 entries" in out
    entry = Ballot.objects.get(pk=third.pk).ledger_entry
    # The same ballot after the same predecessor: the same place and the same hash.
    assert (entry.sequence, entry.hash) == (3, lost_hash)
    assert ledger.verify_assembly(voted, allow_pending=False).ok
