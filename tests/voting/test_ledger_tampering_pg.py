"""On PostgreSQL, the ways past the database's guards that a rewrite of the ledger could take,
each caught: by the guards themselves (triggers refuse UPDATE, DELETE and TRUNCATE and let
the head only move forward), by the server's seals (SQL without the application's key), and
by the hashes published in the opening, closing and result notices (an insider who holds the
key and the database, with the triggers disabled as the tables' owner can).
"""

from __future__ import annotations

import secrets

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.voting.conftest import full_choices, motions_of, right_of
from tests.voting.tampering import close, without_triggers
from voting import actions, ledger
from voting.choices import Channel, ChannelClass
from voting.models import Ballot, BallotChoice, LedgerHead, VotingRight

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db,
]


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


def rechain(assembly) -> str:
    """Recompute every entry's links and hash from the rows as they are now, and move the
    head to the new end (resealed where heads are sealed): a perfect rewrite, as an insider
    with the application's key and the database owner's rights would make it."""
    prev = ledger.GENESIS_HASH
    statements, params = [], []
    for entry in ledger.stored_entries(assembly):
        entry["prev_hash"] = prev
        entry["hash"] = ledger.entry_hash(entry)
        statements.append(
            "UPDATE voting_ledgerentry SET prev_hash = %s, hash = %s"
            " WHERE assembly_id = %s AND sequence = %s"
        )
        params += [entry["prev_hash"], entry["hash"], assembly.pk, entry["sequence"]]
        prev = entry["hash"]
    head = LedgerHead.objects.get(assembly=assembly)
    head.last_hash = prev
    head.sequence = len(ledger.stored_entries(assembly))
    statements.append("UPDATE voting_ledgerhead SET sequence = %s, last_hash = %s WHERE id = %s")
    params += [head.sequence, prev, head.pk]
    if hasattr(head, "seal"):
        statements.append("UPDATE voting_ledgerhead SET seal = %s WHERE id = %s")
        params += [ledger.head_seal(head), head.pk]
    without_triggers(";".join(statements), params)
    return prev


def reseal(ballot_id: int) -> None:
    """Give a ballot edited by SQL a matching commitment and seal (the insider's key)."""
    if not hasattr(Ballot, "seal"):
        return  # nothing to reseal where ballots carry no commitment
    ballot = Ballot.objects.select_related("right", "supersedes").get(pk=ballot_id)
    ballot.commitment = ledger.commitment(ledger.ballot_choices(ballot), ballot.nonce)
    ballot.seal = ledger.stored_ballot_seal(ballot)
    without_triggers(
        "UPDATE voting_ballot SET commitment = %s, seal = %s WHERE id = %s",
        [ballot.commitment, ballot.seal, ballot.pk],
    )


def _without_publications(monkeypatch):
    """Check the chain against nothing published: what the rewrite alone leaves."""
    from voting.ledger import published, store

    # Both the defining module and the verifier's own name for it (store imports it).
    monkeypatch.setattr(published, "publications", lambda assembly: [])
    monkeypatch.setattr(store, "publications", lambda assembly: [])


def test_a_rechained_ledger_with_its_head_rewritten_is_caught_by_the_published_close(
    voted, monkeypatch
):
    close(voted)
    second = Ballot.objects.get(assembly=voted, ledger_entry__sequence=2)
    resolution = motions_of(voted)[0]
    without_triggers(
        "UPDATE voting_ballotchoice SET choice = 'oppose' WHERE ballot_id = %s AND motion_id = %s",
        [second.pk, resolution.pk],
    )
    reseal(second.pk)
    rechain(voted)
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "published")
    assert "head" in result.detail
    # The rewrite is otherwise perfect: only what was published gives it away.
    _without_publications(monkeypatch)
    assert ledger.verify_assembly(voted).ok


def test_the_tail_deleted_and_the_head_moved_back_is_refused_and_else_caught(voted):
    last = Ballot.objects.get(assembly=voted, ledger_entry__sequence=3)
    for sql in (
        f"DELETE FROM voting_ledgerentry WHERE ballot_id = {last.pk}",
        f"UPDATE voting_ledgerhead SET sequence = 2 WHERE assembly_id = {voted.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    close(voted)
    # The owner of the tables disables the guards, removes the last ballot and its entry,
    # and moves the (resealed) head back to the entry before.
    without_triggers(
        "DELETE FROM voting_ballotchoice WHERE ballot_id = %s;"
        "DELETE FROM voting_ledgerentry WHERE ballot_id = %s;"
        "DELETE FROM voting_ballot WHERE id = %s",
        [last.pk, last.pk, last.pk],
    )
    rechain(voted)
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "published")
    assert "entries" in result.detail


def test_a_ballot_moved_to_another_right_is_caught(voted, monkeypatch):
    second = Ballot.objects.get(assembly=voted, ledger_entry__sequence=2)
    unvoted = VotingRight.objects.filter(assembly=voted, ballots__isnull=True).first()
    without_triggers(
        "UPDATE voting_ballot SET right_id = %s WHERE id = %s", [unvoted.pk, second.pk]
    )
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.broken_at) == (False, 2)
    # Resealed and rechained by an insider after the close: the published close catches it.
    close(voted)
    reseal(second.pk)
    rechain(voted)
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "published")


def _forge_ballot(assembly, right, user) -> Ballot:
    """INSERT a ballot with its choices for a right that did not vote, as SQL access allows:
    everything a forger can compute (a fresh receipt, a commitment of their own), no seal."""
    resolution, special, election = motions_of(assembly)
    fields = {
        "assembly": assembly,
        "right": right,
        "channel": Channel.ONLINE,
        "channel_class": ChannelClass.ELECTRONIC,
        "version": 1,
        "cast_by": user,
        "receipt_code": ledger.new_receipt_code(),
        "cast_at": timezone.now(),
        "ledger_pseudonym": right.pseudonym,
    }
    choices = {resolution.pk: "agree", special.pk: "agree"}
    if hasattr(Ballot, "seal"):
        nonce = secrets.token_hex(32)
        fields.update(
            nonce=nonce,
            right_nonce=secrets.token_hex(32),
            commitment=ledger.commitment(choices, nonce),
            seal=secrets.token_hex(32),
        )
    [ballot] = Ballot.objects.bulk_create([Ballot(**fields)])
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, motion_id=motion, choice=choice)
        for motion, choice in choices.items()
    )
    return ballot


def test_a_forged_ballot_for_a_non_voter_chained_with_the_head_moved_forward_is_caught(
    voted, committee_chair
):
    right = VotingRight.objects.filter(assembly=voted, ballots__isnull=True).first()
    forged = _forge_ballot(voted, right, committee_chair)
    # The forger appends the entry and moves the head forward, with the guards in force:
    # a consistent forward move is what every real append is, so the trigger allows it.
    from voting.ledger.store import v2_fields

    head = LedgerHead.objects.get(assembly=voted)

    forged = Ballot.objects.select_related("right", "supersedes").get(pk=forged.pk)
    fields = v2_fields(forged, head, supersedes=None)
    entry = ledger.build_entry(fields, sequence=head.sequence + 1, prev_hash=head.last_hash)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO voting_ledgerentry (assembly_id, ballot_id, sequence, prev_hash, hash,"
            " sequenced_at) VALUES (%s, %s, %s, %s, %s, now())",
            [voted.pk, forged.pk, entry["sequence"], entry["prev_hash"], entry["hash"]],
        )
        cursor.execute(
            "UPDATE voting_ledgerhead SET sequence = %s, last_hash = %s WHERE id = %s",
            [entry["sequence"], entry["hash"], head.pk],
        )
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.broken_at, result.reason) == (False, 4, "seal")


def test_a_forged_ballot_for_a_non_voter_left_for_the_next_cast_to_chain_is_caught(
    voted, committee_chair, register
):
    right = (
        VotingRight.objects.filter(assembly=voted, ballots__isnull=True)
        .exclude(holders__user=register.multi_owner)
        .first()
    )
    forged = _forge_ballot(voted, right, committee_chair)
    try:
        from voting.models import LedgerPending
    except ImportError:  # where sequencing picks up any ballot without an entry
        pass
    else:
        LedgerPending.objects.create(assembly=voted, ballot=forged)
    # The close sequences whatever waits (as the next real ballot would); not a forgery.
    close(voted)
    assert Ballot.objects.get(pk=forged.pk).entry is None
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "unsealed")


def test_an_edit_of_a_rights_area_on_the_frozen_roll_is_caught(voted, monkeypatch):
    right = Ballot.objects.get(assembly=voted, ledger_entry__sequence=1).right
    without_triggers("UPDATE voting_votingright SET area = area + 50 WHERE id = %s", [right.pk])
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "roll")


def test_a_roll_edited_with_its_hash_rewritten_everywhere_is_caught_by_the_opening_notice(voted):
    from voting.models import ElectoralRoll

    right = Ballot.objects.get(assembly=voted, ledger_entry__sequence=1).right
    without_triggers("UPDATE voting_votingright SET area = area + 50 WHERE id = %s", [right.pk])
    roll = ElectoralRoll.objects.get(assembly=voted)
    new_hash = ledger.stored_roll_hash(roll)
    without_triggers(
        "UPDATE voting_electoralroll SET roll_hash = %s WHERE id = %s;"
        "UPDATE voting_ledgerhead SET roll_hash = %s WHERE assembly_id = %s",
        [new_hash, roll.pk, new_hash, voted.pk],
    )
    rechain(voted)  # every entry names the roll's hash; the head is resealed with it
    result = ledger.verify_assembly(voted)
    assert (result.ok, result.reason) == (False, "published")
    assert "roll" in result.detail


APPEND_ONLY_TABLES = [
    "community_auditevent",
    "oversight_actionitemupdate",
    "oversight_actionitemchange",
    "oversight_meetingchange",
    "voting_electoralroll",
    "voting_votingright",
    "voting_votingright_holders",
    "voting_votingrightunit",
    "voting_ballot",
    "voting_ballotchoice",
    "voting_paperconfirmation",
    "voting_ledgerentry",
    "voting_ledgerhead",
    "voting_ledgerpublication",
    "voting_assemblyresult",
]


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_truncate_is_refused_on_every_append_only_table(voted, table):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Deferred foreign-key checks must fire first, or TRUNCATE refuses for that.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert ledger.verify_assembly(voted).ok
