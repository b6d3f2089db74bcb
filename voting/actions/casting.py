"""Casting a ballot: one transaction that writes the ballot, its choices, one audit record and
the receipt, and appends the ballot to the ledger in place (or queues it for the batch step).

The order of the ledger and how a cast and the close exclude each other are voting/LEDGER.md,
"One order per assembly".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from voting import ledger
from voting.actions.choices import ledger_choices, refuse_outside_window, validate_choices
from voting.actions.common import reload_assembly
from voting.actions.receipts import audit_cast, notify_receipt
from voting.actions.voters import VoterRight, check_voter, over_proxy_cap
from voting.choices import Channel
from voting.ledger.store import HeadState, append_in_place
from voting.models import (
    AssemblyPage,
    Ballot,
    BallotChoice,
    LedgerEntry,
    LedgerPending,
    Motion,
    Proxy,
    VotingRight,
)

if TYPE_CHECKING:
    from portal.accounts.types import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CastResult:
    """The ballot that stands for this submission, and whether this call stored it."""

    ballot: Ballot
    created: bool

    @property
    def receipt_code(self) -> str:
        return self.ballot.receipt_code


def cast_ballot(
    assembly: AssemblyPage,
    right: VotingRight,
    choices: dict[Any, Any],
    *,
    channel: str,
    cast_by: User,
    entered_by: User | None = None,
    scan: Any = None,
    submission_key: str = "",
    now: datetime | None = None,
    checked: VoterRight | None = None,
    motions: Iterable[Motion] | None = None,
) -> CastResult:
    """Cast one ballot for a right on the frozen roll, append it to the ledger, and return it.

    A repeated or concurrent submission for a right that already has a current ballot
    (in the same channel class) returns that first ballot and stores nothing; where the
    rules allow changing a ballot before the close, an electronic resubmission appends a
    superseding ballot instead. The database decides who was first: the unique constraints
    refuse a second current ballot for the right (or a second use of a submission key), and
    the insert that loses is answered with the ballot that won.

    `checked` is the voter's right as the view's permission-checked lookup found it, and
    `motions` the meeting's motions (candidates prefetched) as its form read them: given,
    they are not read again. Without them the action checks everything itself.

    Casting does not queue behind other voters: the transaction holds only a share lock on
    the assembly row (so close_voting waits for ballots in flight, and none commits after
    the close) and appends to the chain by compare-and-set; if another append holds the
    head, the ballot waits in the queue and voting.ledger.sequence_pending appends it right
    after the commit.
    """
    now = now or timezone.now()
    if channel not in Channel.values:
        raise ValidationError(_("未知的投票方式。"))
    if not assembly.is_voting_window(now):
        # The caller's copy may be stale: decide on the stored state before refusing.
        assembly = reload_assembly(assembly)
        refuse_outside_window(assembly, now)
    if right.assembly_id != assembly.pk:
        raise ValidationError(_("该投票权不在本次会议的选民名册上。"))
    estate = assembly.page_estate
    proxy, cast_by = check_voter(
        assembly, right, channel, cast_by, entered_by, scan, checked=checked, estate=estate
    )
    rows = validate_choices(assembly, choices, motions=motions)
    channel_class = Channel.channel_class(channel)
    submission_key = submission_key[:64]
    # The ledger publishes only a commitment to the choices until the close (LEDGER.md).
    nonce = ledger.new_nonce()
    sealed_commitment = ledger.commitment(ledger_choices(rows), nonce)

    # No savepoint: nothing in this block raises on purpose. A refusal is returned and
    # raised after it, and a duplicate is an insert the database skips (ON CONFLICT DO
    # NOTHING), so a caller's own transaction is never left broken by a refused ballot.
    with transaction.atomic(savepoint=False):
        head, refusal = _lock_open_assembly(assembly, now)
        if refusal is None:
            outcome = _write(
                assembly,
                right,
                rows,
                head=head,
                channel=channel,
                channel_class=channel_class,
                cast_by=cast_by,
                entered_by=entered_by if channel == Channel.PAPER else None,
                proxy=proxy,
                scan=scan,
                submission_key=submission_key,
                now=now,
                nonce=nonce,
                commitment=sealed_commitment,
                estate=estate,
            )
            if isinstance(outcome, ValidationError):
                refusal = outcome
    if refusal is not None:
        raise refusal
    result, entry = outcome
    if entry is not None:
        result.ballot.ledger_entry = entry
        return result
    entries = _sequence_after_commit(assembly, result.ballot)
    if result.ballot.pk in entries:
        result.ballot.ledger_entry = entries[result.ballot.pk]
    return result


def _write(
    assembly: AssemblyPage,
    right: VotingRight,
    rows: list,
    *,
    head: HeadState | None,
    channel: str,
    channel_class: str,
    cast_by: User,
    entered_by: User | None,
    proxy: Proxy | None,
    scan: Any,
    submission_key: str,
    now: datetime,
    nonce: str,
    commitment: str,
    estate: Any,
) -> tuple[CastResult, LedgerEntry | None] | ValidationError:
    """Write the ballot and everything that goes with it, with its ledger entry if it was
    appended in place; or find the ballot that stands."""
    version, supersedes = 1, None
    if assembly.allow_change_before_close and channel != Channel.PAPER:
        if submission_key and (repeated := _by_submission_key(assembly, submission_key)):
            return CastResult(repeated, False), None
        current = _current_ballot(assembly, right, channel_class)
        if current is not None:
            version, supersedes = current.version + 1, current
    # Otherwise a second ballot for the right is refused by the unique constraint on
    # version 1 (the insert below is skipped): no look-up before the insert.
    if channel == Channel.PROXY and assembly.proxy_cap_per_agent:
        refusal = over_proxy_cap(assembly, right, cast_by)
        if refusal is not None:
            return refusal
    ballot = Ballot(
        assembly=assembly,
        right=right,
        channel=channel,
        channel_class=channel_class,
        version=version,
        supersedes=supersedes,
        cast_by=cast_by,
        entered_by=entered_by,
        proxy=proxy,
        scan=scan or "",
        submission_key=submission_key,
        receipt_code=ledger.new_receipt_code(),
        cast_at=now,
        ledger_pseudonym=secrets.token_hex(8) if assembly.secret_ballot else right.pseudonym,
        nonce=nonce,
        right_nonce=ledger.new_nonce(),
        commitment=commitment,
    )
    ballot.seal = ledger.ballot_seal(
        ballot,
        right_pseudonym=right.pseudonym,
        superseded_receipt=supersedes.receipt_code if supersedes else None,
    )
    if not _insert_unless_taken(ballot):
        # A first (or concurrent) submission already stands: answer with its ballot.
        existing = _by_submission_key(assembly, submission_key) if submission_key else None
        existing = existing or _current_ballot(assembly, right, channel_class)
        if existing is None:
            raise IntegrityError(f"ballot for right {right.pk} refused by a constraint")
        return CastResult(existing, False), None
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, motion=row.motion, candidate=row.candidate, choice=row.choice)
        for row in rows
    )
    batch = notify_receipt(assembly, ballot, cast_by, right, estate)
    audit_cast(assembly, ballot, cast_by=cast_by, entered_by=entered_by, proxy=proxy, receipt=batch)
    return CastResult(ballot, True), _append(ballot, head, supersedes)


def _insert_unless_taken(ballot: Ballot) -> bool:
    """Insert the ballot unless a unique constraint already holds its place; say which.

    `INSERT … ON CONFLICT DO NOTHING RETURNING id` (SQLite: `INSERT OR IGNORE`): the database
    decides, as an IntegrityError would, but without aborting the transaction, so no
    savepoint is needed to answer the loser. On PostgreSQL a concurrent insert for the same
    right waits for the first transaction and is skipped once it commits.
    """
    fields = [f for f in Ballot._meta.concrete_fields if not f.primary_key]
    returned = Ballot._base_manager._insert(  # Model.save's own insert, with ON CONFLICT
        [ballot],
        fields=fields,
        returning_fields=Ballot._meta.db_returning_fields,
        on_conflict=OnConflict.IGNORE,
    )
    if not returned or returned[0] is None:
        return False
    for value, field in zip(returned[0], Ballot._meta.db_returning_fields, strict=True):
        setattr(ballot, field.attname, value)
    ballot._state.adding = False
    ballot._state.db = connection.alias
    return True


def _append(ballot: Ballot, head: HeadState | None, supersedes: Ballot | None):
    """Append the ballot to the chain in place, or queue it for the batch step; the entry or None."""
    superseded_sequence = None
    if supersedes is not None:
        earlier = supersedes.entry
        superseded_sequence = earlier.sequence if earlier is not None else None
    in_place = (
        head is not None
        and head.takes_appends_in_place
        and (supersedes is None or superseded_sequence is not None)
    )
    if in_place:
        entry = append_in_place(ballot, head, supersedes=superseded_sequence)
        if entry is not None:
            return entry
    LedgerPending.objects.create(assembly=ballot.assembly, ballot=ballot)
    return None


def _lock_open_assembly(
    assembly: AssemblyPage, now: datetime
) -> tuple[HeadState | None, ValidationError | None]:
    """Re-read the assembly's state and its ledger head inside the ballot's transaction.

    Returns the head as read (for the append in place) and the refusal if voting is not
    open. On PostgreSQL with the weakest row lock on the assembly (FOR KEY SHARE, which the
    ballot's foreign key takes anyway): ballots share it, close_voting's FOR UPDATE waits
    until the ballots in flight have committed, and a ballot that starts after the close
    sees it. The head is read without a lock. SQLite has one writer (BEGIN IMMEDIATE),
    which serialises the same.
    """
    lock = " FOR KEY SHARE OF a" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.state, a.voting_opens_at, a.voting_closes_at,"
            " h.sequence, h.last_hash, h.version, h.roll_hash, h.secret,"
            " EXISTS (SELECT 1 FROM voting_ledgerpending p WHERE p.assembly_id = a.page_ptr_id)"
            " FROM voting_assemblypage a"
            " LEFT JOIN voting_ledgerhead h ON h.assembly_id = a.page_ptr_id"
            " WHERE a.page_ptr_id = %s" + lock,
            [assembly.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None, ValidationError(_("投票尚未开始。"))
    state, opens, closes, sequence, last_hash, version, roll_hash, secret, waiting = row
    assembly.state = state
    assembly.voting_opens_at = _aware(opens)
    assembly.voting_closes_at = _aware(closes)
    try:
        refuse_outside_window(assembly, now)
    except ValidationError as refusal:
        return None, refusal
    if sequence is None:
        return None, None
    head = HeadState(
        assembly_id=assembly.pk,
        sequence=sequence,
        last_hash=last_hash,
        version=version,
        roll_hash=roll_hash,
        secret=bool(secret),
        waiting=bool(waiting),
    )
    return head, None


def _aware(value: Any) -> datetime | None:
    """Return a raw cursor's timestamp as an aware datetime (SQLite gives naive UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _sequence_after_commit(assembly: AssemblyPage, ballot: Ballot) -> dict[int, Any]:
    """Give the committed ballots of the assembly their place in the chain; never raise.

    Called right after the ballot's transaction when the ballot was queued rather than
    appended in place (inside a caller's transaction it runs there, holding the head lock
    until that commits). If it fails, the ballot is safely stored and the next queued cast,
    close_voting or `verify_ledger --sequence` sequences it.
    """
    try:
        return ledger.sequence_pending(assembly, ballot_id=ballot.pk)
    except DatabaseError:
        if transaction.get_connection().in_atomic_block:
            raise
        logger.exception("Sequencing the ledger of assembly %s failed; will catch up.", assembly.pk)
        return {}


def _by_submission_key(assembly: AssemblyPage, submission_key: str) -> Ballot | None:
    return Ballot.objects.filter(assembly=assembly, submission_key=submission_key).first()


def _current_ballot(assembly: AssemblyPage, right: VotingRight, channel_class: str):
    return (
        Ballot.objects.filter(
            assembly=assembly,
            right=right,
            channel_class=channel_class,
            superseded_by__isnull=True,
        )
        .select_related("ledger_entry")
        .order_by("-version")
        .first()
    )
