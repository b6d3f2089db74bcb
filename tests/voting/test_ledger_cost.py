"""Sequencing costs what waits, not what the meeting holds: after 1,000 ballots, appending the
few that wait reads those ballots only (by primary key, from the queue of waiting ballots),
in a fixed number of statements. Counted in rows and query plans, never in time."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.community.models import Unit
from tests.factories import BuildingFactory
from tests.voting.conftest import full_choices, motions_of, open_assembly, right_of
from voting import actions, ledger
from voting.actions import casting
from voting.choices import Channel, ChannelClass
from voting.models import Ballot, BallotChoice, LedgerPending, VotingRight

pytestmark = pytest.mark.django_db

EARLIER = 1000
WAITING = 3


def _paper_ballots_in_bulk(assembly, rights, entered_by) -> None:
    """Store sealed paper ballots for the rights in bulk and queue them, as casting would
    (cast_ballot one by one is the same rows, 25 statements each; only the setup differs)."""
    resolution, special, _election = motions_of(assembly)
    ballots = []
    for n, right in enumerate(rights):
        choices = {resolution.pk: ("agree", "oppose", "abstain")[n % 3], special.pk: "agree"}
        nonce = ledger.new_nonce()
        ballot = Ballot(
            assembly=assembly,
            right=right,
            channel=Channel.PAPER,
            channel_class=ChannelClass.PAPER,
            cast_by=entered_by,
            entered_by=entered_by,
            receipt_code=ledger.new_receipt_code(),
            cast_at=timezone.now(),
            ledger_pseudonym=right.pseudonym,
            nonce=nonce,
            right_nonce=ledger.new_nonce(),
            commitment=ledger.commitment(choices, nonce),
        )
        ballot.seal = ledger.ballot_seal(
            ballot, right_pseudonym=right.pseudonym, superseded_receipt=None
        )
        ballot.choices_to_store = choices
        ballots.append(ballot)
    stored = Ballot.objects.bulk_create(ballots)
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, motion_id=motion, choice=choice)
        for ballot, original in zip(stored, ballots, strict=True)
        for motion, choice in original.choices_to_store.items()
    )
    LedgerPending.objects.bulk_create(
        LedgerPending(assembly=assembly, ballot=ballot) for ballot in stored
    )


@pytest.fixture
def long_meeting(estate_a, register, committee_chair, owner, owner_building1, monkeypatch):
    """An assembly whose chain holds 1,000 ballots, and three more waiting for their place."""
    building = BuildingFactory(estate=estate_a, name="20栋")
    Unit.objects.bulk_create(
        Unit(
            building=building,
            number=f"{n // 10 + 1}{n % 10 + 1:02d}",
            floor=n // 10 + 1,
            exclusive_area=Decimal("88.00"),
        )
        for n in range(EARLIER)
    )
    assembly = open_assembly(estate_a, committee_chair)
    rights = VotingRight.objects.filter(assembly=assembly, units__building_name="20栋")
    _paper_ballots_in_bulk(assembly, list(rights), committee_chair)
    ledger.sequence_pending(assembly)
    assert ledger.verify_assembly(assembly).checked == EARLIER
    # Three owners vote; their ballots wait in the queue for the batch step.
    # Each append in place finds the head taken, and the request dies before the batch step.
    monkeypatch.setattr(casting, "append_in_place", lambda ballot, head, supersedes: None)
    monkeypatch.setattr(casting, "_sequence_after_commit", lambda assembly, ballot: {})
    for user in (owner, owner_building1, register.multi_owner):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=user,
        )
    monkeypatch.undo()
    return assembly


def _ballot_tuples_read() -> int:
    """Return the voting_ballot rows this transaction has read so far (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = 'voting_ballot'"
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def _plans_reading_ballots(statements) -> list[str]:
    """Return SQLite's query plan lines that read voting_ballot, for each statement run."""
    lines = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT") or "voting_ballot" not in sql:
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            for row in cursor.fetchall():
                detail = row[-1]
                if re.search(r"\bvoting_ballot\b|\bT\d+\b", detail) and "ledger" not in detail:
                    lines.append(detail)
    return lines


def test_sequencing_after_a_thousand_ballots_reads_only_the_waiting_ones(long_meeting):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    before = _ballot_tuples_read() if connection.vendor == "postgresql" else 0
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(record):
        appended = ledger.sequence_pending(long_meeting)
    assert len(appended) == WAITING
    # Lock the head, read the queue, read the waiting ballots (with their right), insert
    # the entries, empty the queue rows, move the head:
    # the same statements for 3 waiting ballots after 10 or after 1,000.
    assert len(queries) <= 8, [q["sql"] for q in queries]
    if connection.vendor == "postgresql":
        # The waiting ballots, never the meeting's 1,000.
        assert _ballot_tuples_read() - before <= 2 * WAITING
    else:
        plans = _plans_reading_ballots(statements)
        assert plans and all("PRIMARY KEY" in line for line in plans), plans
    assert ledger.verify_assembly(long_meeting).checked == EARLIER + WAITING
