"""The ledger (gongzhi-ledger-v2): every ballot chained by SHA-256 over a commitment to its
choices and bound to its right and the frozen roll; any edit, deletion, insertion or
reordering is detected, in an exported JSON or in the database itself; at the close the
choices are opened and anyone can check them against their commitments and recount."""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.voting.conftest import full_choices, motions_of, right_of
from tests.voting.tampering import close, without_triggers
from tests.voting.test_ledger_spec import SPEC_HASHED_FIELDS
from voting import actions, ledger
from voting.choices import Channel
from voting.ledger.public import public_ledger
from voting.models import (
    Ballot,
    ElectoralRoll,
    LedgerHead,
    LedgerPending,
    LedgerPublication,
    VotingRight,
)
from voting.tally import tally

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


def test_entry_hash_is_sha256_of_sorted_compact_utf8_json_of_the_v2_fields(voted):
    entry = ledger.stored_entries(voted)[0]
    hashed = {k: entry[k] for k in SPEC_HASHED_FIELDS}  # voting/LEDGER.md, written out
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == entry["hash"]
    assert entry["prev_hash"] == "0" * 64
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", entry["cast_at"])
    assert set(entry) == {*SPEC_HASHED_FIELDS, "hash"}  # no choice before the close
    assert public_ledger(voted)["hashed_fields"] == list(SPEC_HASHED_FIELDS)


def test_an_entry_commits_to_its_choices_with_a_secret_256_bit_nonce(voted, owner):
    ballot = Ballot.objects.get(assembly=voted, cast_by=owner)
    assert len(ballot.nonce) == 64 and int(ballot.nonce, 16) >= 0
    expected = hashlib.sha256(
        json.dumps(
            {"choices": ledger.ballot_choices(ballot), "nonce": ballot.nonce},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    entry = ledger.stored_entries(voted)[0]
    assert ballot.commitment == expected
    assert {e["commitment"] for e in ledger.stored_entries(voted)} >= {expected}
    # Nothing published before the close carries the nonce or the choices.
    published = json.dumps(public_ledger(voted), ensure_ascii=False)
    assert ballot.nonce not in published and '"choices"' not in published
    assert entry["right_commitment"] != right_of(owner, voted).pseudonym


def test_the_chain_verifies_and_agrees_with_the_opening_notice(voted):
    result = ledger.verify_assembly(voted)
    assert result.ok and result.checked == 3
    assert result.published == 1  # the 投票开始公告's line, in its row, page and revision


def test_every_entry_is_bound_to_the_frozen_rolls_hash(voted):
    roll = ElectoralRoll.objects.get(assembly=voted)
    assert roll.roll_hash == ledger.stored_roll_hash(roll)
    assert {e["roll_hash"] for e in ledger.stored_entries(voted)} == {roll.roll_hash}
    opening = LedgerPublication.objects.get(assembly=voted, moment="opened")
    assert f"roll={roll.roll_hash}" in opening.line and "entries=0" in opening.line
    assert roll.roll_hash in json.dumps(list(opening.notice.body.raw_data), ensure_ascii=False)


def _exported(assembly):
    return json.loads(json.dumps(ledger.stored_entries(assembly)))


def _tamper_commitment(entries):
    entries[1]["commitment"] = "f" * 64


def _tamper_edit_and_rehash(entries):
    entries[1]["channel"] = "paper"
    entries[1]["hash"] = ledger.entry_hash(entries[1])


def _tamper_delete(entries):
    del entries[1]


def _tamper_insert(entries):
    forged = copy.deepcopy(entries[1])
    forged["voter"] = "f" * 16
    forged["hash"] = ledger.entry_hash(forged)
    entries.insert(2, forged)


def _tamper_reorder(entries):
    entries[0], entries[1] = entries[1], entries[0]


def _tamper_drop_last(entries):
    entries.pop()


@pytest.mark.parametrize(
    "tamper, broken_at",
    [
        (_tamper_commitment, 2),
        (_tamper_edit_and_rehash, 3),
        (_tamper_delete, 2),
        (_tamper_insert, 3),
        (_tamper_reorder, 1),
        (_tamper_drop_last, 3),
    ],
)
def test_tampering_with_an_exported_ledger_is_detected(voted, tamper, broken_at):
    head = LedgerHead.objects.get(assembly=voted)
    entries = _exported(voted)
    assert ledger.verify_entries(entries, expected_count=3, expected_head=head.last_hash).ok
    tamper(entries)
    result = ledger.verify_entries(
        entries, assembly=voted.pk, expected_count=head.sequence, expected_head=head.last_hash
    )
    assert not result.ok
    assert result.broken_at == broken_at


def _delete_ballot(ballot_id: int):
    return (
        "DELETE FROM voting_ballotchoice WHERE ballot_id = %s;"
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "DELETE FROM voting_ballot WHERE id = %s",
        [ballot_id, ballot_id, ballot_id],
    )


def _move_to_unvoted_right(ballots):
    unvoted = VotingRight.objects.filter(assembly=ballots[1].assembly, ballots__isnull=True).first()
    return ("UPDATE voting_ballot SET right_id = %s WHERE id = %s", [unvoted.pk, ballots[1].pk])


@pytest.mark.parametrize(
    "make_sql, broken_at, reason",
    [
        # edit: flip one choice of the second ballot: its commitment no longer opens
        (
            lambda b: (
                "UPDATE voting_ballotchoice SET choice = 'abstain' WHERE ballot_id = %s AND candidate_id IS NULL",
                [b[1].pk],
            ),
            2,
            "commitment",
        ),
        # edit a hashed column of the ballot row itself
        (
            lambda b: (
                "UPDATE voting_ballot SET cast_at = %s WHERE id = %s",
                [timezone.now(), b[1].pk],
            ),
            2,
            "hash",
        ),
        # edit the commitment with the choices to match: the server's seal catches it
        (
            lambda b: (
                "UPDATE voting_ballot SET commitment = %s WHERE id = %s",
                ["e" * 64, b[1].pk],
            ),
            2,
            "hash",
        ),
        # move the second ballot to a right that did not vote
        (_move_to_unvoted_right, 2, "hash"),
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
        # an area on the frozen roll
        (
            lambda b: (
                "UPDATE voting_votingright SET area = area + 10 WHERE id = %s",
                [b[0].right_id],
            ),
            None,
            "roll",
        ),
    ],
)
def test_tampering_with_the_database_is_detected(voted, make_sql, broken_at, reason):
    ballots = sorted(Ballot.objects.filter(assembly=voted), key=lambda b: b.sequence)
    assert [b.sequence for b in ballots] == [1, 2, 3]
    sql, params = make_sql(ballots)
    without_triggers(sql, params)
    result = ledger.verify_assembly(voted)
    assert not result.ok
    assert (result.broken_at, result.reason) == (broken_at, reason)


def _lose_the_last_entry(assembly):
    """Undo the last sequencing, as if the process had died between commit and append."""
    third = Ballot.objects.get(assembly=assembly, ledger_entry__sequence=3)
    head = LedgerHead.objects.get(assembly=assembly)
    head.sequence = 2
    head.last_hash = third.ledger_entry.prev_hash
    without_triggers(
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "UPDATE voting_ledgerhead SET sequence = 2, last_hash = %s, seal = %s WHERE assembly_id = %s;"
        "INSERT INTO voting_ledgerpending (assembly_id, ballot_id, created_at) VALUES (%s, %s, %s)",
        [
            third.pk,
            head.last_hash,
            ledger.head_seal(head),
            assembly.pk,
            assembly.pk,
            third.pk,
            timezone.now(),
        ],
    )
    return third


def test_a_ballot_outside_the_chain_is_reported_once_voting_has_closed(voted):
    """A ballot row with no ledger entry: pending while voting is open, broken after."""
    _lose_the_last_entry(voted)
    while_open = ledger.verify_assembly(voted)
    assert while_open.ok and while_open.checked == 2 and while_open.pending == 1
    after_close = ledger.verify_assembly(voted, allow_pending=False)
    assert not after_close.ok
    assert (after_close.broken_at, after_close.reason) == (3, "unsequenced")


def test_entries_and_the_head_are_append_only_in_the_database(voted):
    for sql in (
        "UPDATE voting_ledgerentry SET sequence = sequence + 10",
        "DELETE FROM voting_ledgerentry",
        "UPDATE voting_ledgerhead SET sequence = sequence - 1",
        "UPDATE voting_ledgerhead SET last_hash = '" + "f" * 64 + "'",
        "DELETE FROM voting_ledgerhead",
        "DELETE FROM voting_ledgerpublication",
        "DELETE FROM voting_votingright_holders",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ledger.verify_assembly(voted).ok


def test_the_head_moves_only_to_its_last_entry_and_only_while_voting_is_open(voted, owner):
    head = LedgerHead.objects.get(assembly=voted)
    forged = "f" * 64
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # Forward, but to a hash no entry has.
        cursor.execute(
            "UPDATE voting_ledgerhead SET sequence = sequence + 1, last_hash = %s"
            " WHERE assembly_id = %s",
            [forged, voted.pk],
        )
    close(voted)
    closed_head = LedgerHead.objects.get(assembly=voted)
    assert closed_head.sequence == head.sequence
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ledgerhead SET sequence = sequence + 1 WHERE assembly_id = %s",
            [voted.pk],
        )


def _guard_the_head_again() -> None:
    """Put the head's guard back as the latest migration defines it (after without_triggers)."""
    guard = importlib.import_module("voting.migrations.0012_ledger_head_guard_flat_cost")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in guard.SQLITE:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE voting_ledgerhead ENABLE TRIGGER USER")


def test_the_head_may_not_stop_short_of_an_entry_after_it(voted):
    """The head names the chain's last entry: set back (triggers lifted) to entry 1, it may
    not move to entry 2 while entry 3 exists, though entry 2's hash is right."""
    entries = {
        ballot.ledger_entry.sequence: ballot.ledger_entry
        for ballot in Ballot.objects.filter(assembly=voted).select_related("ledger_entry")
    }
    without_triggers(
        "UPDATE voting_ledgerhead SET sequence = 1, last_hash = %s WHERE assembly_id = %s",
        [entries[1].hash, voted.pk],
    )
    _guard_the_head_again()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ledgerhead SET sequence = 2, last_hash = %s WHERE assembly_id = %s",
            [entries[2].hash, voted.pk],
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ledgerhead SET sequence = 3, last_hash = %s WHERE assembly_id = %s",
            [entries[3].hash, voted.pk],
        )
    assert LedgerHead.objects.get(assembly=voted).sequence == 3


def test_verify_ledger_command_reports_success_and_the_first_broken_link(voted, capsys):
    call_command("verify_ledger", str(voted.pk))
    assert "3 entries" in capsys.readouterr().out
    ballot = Ballot.objects.get(assembly=voted, ledger_entry__sequence=2)
    without_triggers(
        "UPDATE voting_ballot SET cast_at = '2026-01-01 00:00:00' WHERE id = %s", [ballot.pk]
    )
    with pytest.raises(CommandError, match="BROKEN at entry 2"):
        call_command("verify_ledger", str(voted.pk))


def test_verify_ledger_sequence_catches_up_a_ballot_left_waiting(voted, capsys):
    """A process that died between a ballot's commit and its sequencing leaves it waiting;
    `verify_ledger --sequence` (as the next cast or the close would) gives it its place."""
    lost_hash = Ballot.objects.get(assembly=voted, ledger_entry__sequence=3).ledger_entry.hash
    third = _lose_the_last_entry(voted)
    call_command("verify_ledger", str(voted.pk))
    assert "1 ballot(s) cast still wait" in capsys.readouterr().out
    call_command("verify_ledger", str(voted.pk), "--sequence")
    out = capsys.readouterr().out
    assert "Sequenced 1 waiting ballot(s)" in out and "3 entries" in out
    entry = Ballot.objects.get(pk=third.pk).ledger_entry
    # The same ballot after the same predecessor: the same place and the same hash.
    assert (entry.sequence, entry.hash) == (3, lost_hash)
    assert not LedgerPending.objects.filter(ballot=third).exists()
    assert ledger.verify_assembly(voted, allow_pending=False).ok


def test_the_close_opens_every_commitment_and_anyone_can_recount_the_heads(voted, client, owner):
    close(voted)
    client.force_login(owner)
    data = client.get(reverse("voting:ledger_json", args=[voted.pk])).json()
    assert data["format"] == "gongzhi-ledger-v2"
    assert set(data["revealed_fields"]) == {"choices", "nonce", "counted"}
    assert ledger.verify_downloaded(data).ok
    # The head count anyone recomputes from the download is the tally's.
    counts = ledger.count_heads(data["entries"])
    resolution, special, election = motions_of(voted)
    result = {r.motion.pk: r for r in tally(voted).motions}
    assert counts[str(resolution.pk)]["agree"] == result[resolution.pk].tally.agree_heads
    assert counts[str(special.pk)]["oppose"] == result[special.pk].tally.oppose_heads
    picked = data["entries"][0]["choices"][str(election.pk)]
    assert picked == sorted(picked) and len(picked) == 2  # candidate ids, ascending


def test_a_choice_changed_in_a_downloaded_closed_ledger_breaks_its_commitment(voted, client, owner):
    close(voted)
    client.force_login(owner)
    data = client.get(reverse("voting:ledger_json", args=[voted.pk])).json()
    resolution = str(motions_of(voted)[0].pk)
    data["entries"][1]["choices"][resolution] = "oppose"
    result = ledger.verify_downloaded(data)
    assert (result.ok, result.broken_at, result.reason) == (False, 2, "commitment")


def test_the_close_publishes_the_head_in_its_notice_and_verify_compares_with_it(voted):
    close(voted)
    head = LedgerHead.objects.get(assembly=voted)
    closing = LedgerPublication.objects.get(assembly=voted, moment="closed")
    assert f"entries=3 head={head.last_hash}" in closing.line
    assert closing.notice.live and head.last_hash in json.dumps(
        list(closing.notice.body.raw_data), ensure_ascii=False
    )
    result = ledger.verify_assembly(voted)
    assert result.ok and result.published == 2  # the opening and the closing notice


def test_a_published_line_that_disagrees_with_the_chain_breaks_verification(voted, capsys):
    head = LedgerHead.objects.get(assembly=voted)
    good = ledger.publication_line(
        assembly=voted.pk,
        entries=2,
        head=ledger.stored_entries(voted)[1]["hash"],
        roll=head.roll_hash,
    )
    call_command("verify_ledger", str(voted.pk), "--published", good)
    assert "verifies" in capsys.readouterr().out
    bad = ledger.publication_line(assembly=voted.pk, entries=2, head="a" * 64, roll=head.roll_hash)
    with pytest.raises(CommandError, match="published"):
        call_command("verify_ledger", str(voted.pk), "--published", bad)


def test_a_downloaded_ledger_verifies_with_the_command_alone(
    voted, client, owner, tmp_path, capsys
):
    close(voted)
    client.force_login(owner)
    path = tmp_path / "ledger.json"
    path.write_bytes(client.get(reverse("voting:ledger_json", args=[voted.pk])).content)
    call_command("verify_ledger", "--json", str(path))
    assert "verifies: 3 entries" in capsys.readouterr().out
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"].pop()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_ledger", "--json", str(path))
