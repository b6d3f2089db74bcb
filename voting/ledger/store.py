"""The ledger as stored: sequencing committed ballots into the chain, and verifying it.

The formats are voting/ledger/chain.py (pure); this module reads and writes the rows
(voting/LEDGER.md, "How the server stores it").

Long because: sequencing and verifying are the two halves of LEDGER.md "How the server
stores it" over the same rows; verify_assembly checks exactly what the sequencing wrote.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from voting.choices import AssemblyState
from voting.ledger.chain import (
    GENESIS_HASH,
    Published,
    Verification,
    build_entry,
    canonical_choices,
    check_publication,
    commitment,
    format_cast_at,
    receipt_hash,
    right_commitment,
    roll_document,
    roll_hash,
    verify_entries,
)
from voting.ledger.published import publications
from voting.ledger.seal import head_seal, matches, stored_ballot_seal
from voting.models import (
    Ballot,
    ElectoralRoll,
    LedgerEntry,
    LedgerHead,
    LedgerPending,
    VotingRight,
    VotingRightUnit,
)

logger = logging.getLogger(__name__)

# A secret ballot is appended in random draws from a pool that always keeps this many
# ballots back while voting is open: whoever watches the ledger grow and knows when each
# person voted can place a ballot only within a pool of at least this many (LEDGER.md).
MIX_KEEP = 10

# Batches are shuffled with the operating system's randomness; tests may replace it.
_rng: Any = secrets.SystemRandom()


# --- the frozen roll ------------------------------------------------------------------------


def stored_roll_document(roll) -> dict[str, Any]:
    """Return the canonical document of a stored roll (three queries, whatever its size)."""
    holders: dict[int, list[int]] = defaultdict(list)
    through = VotingRight.holders.through.objects.filter(votingright__roll=roll)
    for right_id, identity_id in through.values_list("votingright_id", "owneridentity_id"):
        holders[right_id].append(identity_id)
    units: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = VotingRightUnit.objects.filter(right__roll=roll).values_list(
        "right_id", "unit_id", "building_name", "unit_number", "exclusive_area"
    )
    for right_id, unit_id, building, number, area in rows:
        units[right_id].append(
            {"unit": unit_id, "building": building, "number": number, "area": area}
        )
    rights = [
        {
            "pseudonym": pseudonym,
            "kind": kind,
            "area": area,
            "unit_count": unit_count,
            "holder_name": holder_name,
            "holders": holders[right_id],
            "units": units[right_id],
        }
        for right_id, pseudonym, kind, area, unit_count, holder_name in VotingRight.objects.filter(
            roll=roll
        ).values_list("pk", "pseudonym", "kind", "area", "unit_count", "holder_name")
    ]
    return roll_document(
        assembly=roll.assembly_id,
        total_area=roll.total_area,
        total_heads=roll.total_heads,
        total_units=roll.total_units,
        rights=rights,
    )


def stored_roll_hash(roll) -> str:
    return roll_hash(stored_roll_document(roll))


# --- one entry's fields, from its ballot ----------------------------------------------------


def ballot_choices(ballot) -> dict[str, Any]:
    """Return the choices of a stored ballot in ledger form (choices prefetched)."""
    resolutions: dict[int, str] = {}
    elections: dict[int, list[int]] = {}
    for choice in ballot.choices.all():
        if choice.candidate_id is not None:
            elections.setdefault(choice.motion_id, []).append(choice.candidate_id)
        else:
            resolutions[choice.motion_id] = choice.choice
    return canonical_choices({**resolutions, **elections})


def v2_fields(ballot, head, *, supersedes: int | None) -> dict[str, Any]:
    """Return the hashed fields of a ballot's v2 entry other than its place in the chain.

    Computed from the ballot's columns and its right's row (not from a stored copy), so that
    moving a ballot to another right changes them. A secret ballot publishes a one-off
    pseudonym, the channel class only, no time and no link to the ballot it replaces.
    """
    right = ballot.right
    secret = head.secret
    return {
        "assembly": ballot.assembly_id,
        "roll_hash": head.roll_hash,
        "voter": ballot.ledger_pseudonym if secret else right.pseudonym,
        "right_commitment": right_commitment(right.pseudonym, ballot.right_nonce),
        "commitment": ballot.commitment,
        "channel": ballot.channel_class if secret else ballot.channel,
        "cast_at": None if secret else format_cast_at(ballot.cast_at),
        "receipt_hash": receipt_hash(ballot.receipt_code),
        "supersedes": None if secret else supersedes,
    }


def v1_fields(ballot, *, supersedes: int | None) -> dict[str, Any]:
    """Return the hashed fields of a gongzhi-ledger-v1 entry (chains begun before v2)."""
    return {
        "assembly": ballot.assembly_id,
        "pseudonym": ballot.ledger_pseudonym,
        "choices": ballot_choices(ballot),
        "channel": ballot.channel,
        "cast_at": format_cast_at(ballot.cast_at),
        "receipt_hash": receipt_hash(ballot.receipt_code),
        "supersedes": supersedes,
    }


def _superseded_sequence(ballot, appended: dict[int, Any]) -> int | None:
    if not ballot.supersedes_id:
        return None
    earlier = appended.get(ballot.supersedes_id) or ballot.supersedes.entry
    return earlier.sequence


# --- sequencing ------------------------------------------------------------------------------


def sequence_pending(assembly, *, ballot_id: int | None = None, sweep: bool = False):
    """Append committed ballots of the assembly that wait for their place in the chain.

    The one serialised step of casting: it locks the assembly's LedgerHead row only for the
    few statements that read the queue of waiting ballots (LedgerPending, never the whole
    meeting), insert their LedgerEntry rows, empty their queue rows and move the head.
    A batch is shuffled, a superseding ballot always after the one it supersedes. In a
    secret-ballot assembly a batch is a random draw that leaves MIX_KEEP ballots waiting.

    With `ballot_id` (a voter's ballot, just committed) voters do not queue for the lock:
    if another voter's sequencing holds it, this one waits for that batch to finish and
    returns if it took the ballot along, else takes the lock if free (or waits again).
    With `sweep` (the close) every ballot without an entry is appended, queued or not.
    Idempotent: with nothing waiting it writes nothing. Returns {ballot id: LedgerEntry}.
    """
    assembly_id = getattr(assembly, "pk", assembly)
    if ballot_id is None or connection.vendor != "postgresql":
        # SQLite has one writer: nobody else can be sequencing while we hold the database.
        return _sequence_batch(assembly_id, wait=True, sweep=sweep) or {}
    while True:
        # If someone is sequencing, wait until their batch commits (a KEY SHARE lock
        # conflicts only with their FOR UPDATE and is released at once), then see whether
        # it took our ballot along; under load most voters stop here.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM voting_ledgerhead WHERE assembly_id = %s FOR KEY SHARE",
                [assembly_id],
            )
            if cursor.fetchone() is None:
                raise LedgerHead.DoesNotExist(f"assembly {assembly_id} has no ledger")
        if LedgerEntry.objects.filter(ballot_id=ballot_id).exists():
            return {}
        appended = _sequence_batch(assembly_id, wait=False)
        if appended is not None:
            return appended


@dataclass(frozen=True)
class HeadState:
    """The head of a chain as a casting transaction read it (no lock): what an append in
    place compares against."""

    assembly_id: int
    sequence: int
    last_hash: str
    version: int
    roll_hash: str
    secret: bool
    waiting: bool  # ballots wait in the queue: the batch step takes this one along

    @property
    def takes_appends_in_place(self) -> bool:
        """Whether a ballot may be appended in its own transaction rather than queued.

        Not for a secret ballot (it is mixed in random draws), nor a v1 chain (id order),
        nor while others wait in the queue (the batch step takes the new one along, so a
        waiting ballot is never passed over for long).
        """
        return self.version >= 2 and not self.secret and not self.waiting


def append_in_place(ballot, head: HeadState, *, supersedes: int | None):
    """Append a just-inserted ballot to the chain inside its own transaction; None if not.

    A compare-and-set: the entry is inserted only if the head is still the one `head`
    describes and no other transaction holds it (on PostgreSQL `FOR UPDATE SKIP LOCKED`:
    never waits, so it cannot deadlock with a batch or with close_voting, which take the
    head before the assembly). The head row then stays locked for the one UPDATE that moves
    it and the commit. When the compare fails the caller queues the ballot for the batch
    step (sequence_pending), which orders it as before. The database's guards still check
    everything: unique sequences and prev hashes, and the head may move only to its last
    entry while voting is open.
    """
    fields = v2_fields(ballot, head, supersedes=supersedes)
    sequence = head.sequence + 1
    entry = build_entry(fields, sequence=sequence, prev_hash=head.last_hash, version=head.version)
    now = timezone.now()
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO voting_ledgerentry"
            " (assembly_id, ballot_id, sequence, prev_hash, hash, sequenced_at)"
            " SELECT %s, %s, %s, %s, %s, %s FROM voting_ledgerhead"
            " WHERE assembly_id = %s AND sequence = %s AND last_hash = %s" + lock + " RETURNING id",
            [
                head.assembly_id,
                ballot.pk,
                sequence,
                head.last_hash,
                entry["hash"],
                connection.ops.adapt_datetimefield_value(now),
                head.assembly_id,
                head.sequence,
                head.last_hash,
            ],
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    moved = LedgerHead(
        assembly_id=head.assembly_id,
        version=head.version,
        roll_hash=head.roll_hash,
        secret=head.secret,
        sequence=sequence,
        last_hash=entry["hash"],
    )
    LedgerHead.objects.filter(assembly_id=head.assembly_id).update(
        sequence=sequence, last_hash=entry["hash"], seal=head_seal(moved)
    )
    return LedgerEntry(
        pk=inserted[0],
        assembly_id=head.assembly_id,
        ballot=ballot,
        sequence=sequence,
        prev_hash=head.last_hash,
        hash=entry["hash"],
        sequenced_at=now,
    )


def _sequence_batch(assembly_id: int, *, wait: bool, sweep: bool = False):
    """Sequence the waiting ballots under the head lock; None if the lock was busy."""
    with transaction.atomic():
        head = (
            LedgerHead.objects.select_for_update(skip_locked=not wait)
            .filter(assembly_id=assembly_id)
            .first()
        )
        if head is None:
            if wait:
                raise LedgerHead.DoesNotExist(f"assembly {assembly_id} has no ledger")
            return None  # another batch holds the lock (the caller has seen the head exists)
        waiting = set(
            LedgerPending.objects.filter(assembly_id=assembly_id).values_list(
                "ballot_id", flat=True
            )
        )
        if sweep:
            unsequenced = Ballot.objects.filter(assembly_id=assembly_id, ledger_entry__isnull=True)
            waiting.update(unsequenced.values_list("pk", flat=True))
        if not waiting:
            return {}
        ballots = Ballot.objects.filter(pk__in=waiting).select_related(
            "right", "supersedes", "supersedes__ledger_entry"
        )
        if head.version == 1:
            batch = sorted(ballots.prefetch_related("choices"), key=lambda b: b.pk)
        else:
            batch = _sealed(list(ballots))
            if head.secret and not sweep:
                batch = _draw(batch, keep=MIX_KEEP)
            batch = _order(_with_predecessors(batch))
        if not batch:
            return {}
        sequence, prev, now = head.sequence, head.last_hash, timezone.now()
        entries: dict[int, Any] = {}
        for ballot in batch:
            superseded = _superseded_sequence(ballot, entries)
            if head.version == 1:
                fields = v1_fields(ballot, supersedes=superseded)
            else:
                fields = v2_fields(ballot, head, supersedes=superseded)
            sequence += 1
            entry = build_entry(fields, sequence=sequence, prev_hash=prev, version=head.version)
            prev = entry["hash"]
            entries[ballot.pk] = LedgerEntry(
                assembly_id=assembly_id,
                ballot=ballot,
                sequence=sequence,
                prev_hash=entry["prev_hash"],
                hash=prev,
                sequenced_at=now,
            )
        LedgerEntry.objects.bulk_create(entries.values())
        LedgerPending.objects.filter(ballot_id__in=list(entries)).delete()
        head.sequence, head.last_hash = sequence, prev
        if head.version >= 2:
            head.seal = head_seal(head)
        head.save(update_fields=["sequence", "last_hash", "seal"])
    return entries


def _sealed(ballots: list) -> list:
    """Return the ballots whose seal verifies; a row written without the key is left out."""
    good = []
    for ballot in ballots:
        if matches(stored_ballot_seal(ballot), ballot.seal):
            good.append(ballot)
        else:
            logger.error(
                "Ballot %s of assembly %s does not carry a valid seal; it is kept out of the "
                "chain and verify_ledger reports it.",
                ballot.pk,
                ballot.assembly_id,
            )
    return good


def _draw(ballots: list, *, keep: int) -> list:
    """Return a random draw of all but `keep` ballots, or none while fewer than 2×keep wait."""
    if len(ballots) < 2 * keep:
        return []
    return _rng.sample(ballots, len(ballots) - keep)


def _with_predecessors(batch: list) -> list:
    """Drop ballots whose superseded ballot is neither in the chain nor in this batch."""
    batch = list(batch)
    while True:
        ids = {ballot.pk for ballot in batch}
        kept = [
            ballot
            for ballot in batch
            if not ballot.supersedes_id
            or ballot.supersedes_id in ids
            or ballot.supersedes.entry is not None
        ]
        if len(kept) == len(batch):
            return kept
        batch = kept


def _order(batch: list) -> list:
    """Return the batch shuffled, except that each ballot stays after the one it supersedes.

    The order is independent of ballot ids and of the order in which the ballots were cast
    within the batch: the superseding chains keep their members' places drawn at random.
    """
    shuffled = list(batch)
    _rng.shuffle(shuffled)
    by_id = {ballot.pk: ballot for ballot in shuffled}

    def root(ballot) -> int:
        while ballot.supersedes_id in by_id:
            ballot = by_id[ballot.supersedes_id]
        return ballot.pk

    places: dict[int, list[int]] = defaultdict(list)
    for index, ballot in enumerate(shuffled):
        places[root(ballot)].append(index)
    for indexes in places.values():
        if len(indexes) > 1:
            members = sorted((shuffled[i] for i in indexes), key=lambda b: b.version)
            for index, member in zip(indexes, members, strict=True):
                shuffled[index] = member
    return shuffled


# --- the stored chain -------------------------------------------------------------------------


def stored_entry_rows(assembly):
    return (
        LedgerEntry.objects.filter(assembly=assembly)
        .select_related(
            "ballot", "ballot__right", "ballot__supersedes", "ballot__supersedes__ledger_entry"
        )
        .prefetch_related("ballot__choices")
        .order_by("sequence")
    )


def entry_of(row, head) -> dict[str, Any]:
    """Return the ledger entry of a stored LedgerEntry, recomputed from its ballot's rows."""
    ballot = row.ballot
    earlier = ballot.supersedes.entry if ballot.supersedes_id else None
    superseded = earlier.sequence if earlier else None
    if head is None or head.version == 1:
        fields = v1_fields(ballot, supersedes=superseded)
    else:
        fields = v2_fields(ballot, head, supersedes=superseded)
    return {**fields, "sequence": row.sequence, "prev_hash": row.prev_hash, "hash": row.hash}


def stored_entries(assembly) -> list[dict[str, Any]]:
    """Return the assembly's ledger entries in sequence order (hashed fields and hash)."""
    head = LedgerHead.objects.filter(assembly=assembly).first()
    return [entry_of(row, head) for row in stored_entry_rows(assembly)]


def pending_ballots(assembly):
    """Return the assembly's committed ballots that have no place in the chain (a full scan)."""
    return Ballot.objects.filter(assembly=assembly, ledger_entry__isnull=True)


@dataclass(frozen=True)
class StoredVerification(Verification):
    """A verification of the stored chain, with the ballots still waiting for their place."""

    pending: int = 0
    published: int = 0  # places of publication (notices, the result, a given line) checked
    detail: str = ""


def verify_assembly(
    assembly, *, allow_pending: bool | None = None, published: list[Published] | None = None
) -> StoredVerification:
    """Verify the stored ledger of an assembly, in one consistent snapshot.

    Recomputes, from the ballot, choice and roll rows: the roll's hash (against the hash
    stored when it froze); every ballot's seal and commitment; the chain and its head
    (and the head's seal); and the chain against every statement published about it
    (the opening, closing and result notices, in every revision, and any `published` line
    a person brings from a copy of their own). A committed ballot without an entry is
    normal for a moment while voting is open (`pending`); once voting has closed it is a
    broken ledger.
    """
    if allow_pending is None:
        allow_pending = assembly.state == AssemblyState.OPEN
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # The head, the entries, the roll and the pending ballots must be one snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = LedgerHead.objects.filter(assembly=assembly).first()
        version = head.version if head else 2
        roll_ok = True
        if head is not None and version >= 2:
            roll = ElectoralRoll.objects.filter(assembly=assembly).first()
            roll_ok = (
                roll is not None
                and head.roll_hash == roll.roll_hash
                and stored_roll_hash(roll) == roll.roll_hash
            )
        rows = list(stored_entry_rows(assembly))
        waiting = list(pending_ballots(assembly).select_related("right", "supersedes"))
        # The same line is found in a notice's row, its page and each revision: check each once.
        statements = list(dict.fromkeys([*publications(assembly), *(published or [])]))
    if not roll_ok:
        return StoredVerification(False, 0, None, "roll")
    entries, first_bad = [], None
    for position, row in enumerate(rows, start=1):
        if version >= 2 and first_bad is None:
            ballot = row.ballot
            if not matches(stored_ballot_seal(ballot), ballot.seal):
                first_bad = (position, "seal")
            elif commitment(ballot_choices(ballot), ballot.nonce) != ballot.commitment:
                first_bad = (position, "commitment")
        entries.append(entry_of(row, head))
    result = verify_entries(
        entries,
        version=version,
        assembly=assembly.pk,
        expected_count=head.sequence if head else 0,
        expected_head=head.last_hash if head else GENESIS_HASH,
    )
    if first_bad and (result.ok or first_bad[0] < (result.broken_at or 0)):
        return StoredVerification(False, first_bad[0], first_bad[0], first_bad[1])
    if not result.ok:
        return StoredVerification(False, result.checked, result.broken_at, result.reason)
    count = result.checked
    if head is not None and version >= 2 and not matches(head_seal(head), head.seal):
        return StoredVerification(False, count, count, "head_seal")
    hashes = [entry["hash"] for entry in entries]
    roll_published = (head.roll_hash if head else "") or GENESIS_HASH
    for statement in statements:
        why = check_publication(statement, assembly=assembly.pk, hashes=hashes, roll=roll_published)
        if why:
            return StoredVerification(
                False, count, None, "published", detail=f"{statement.source}: {why}"
            )
    if version >= 2 and any(not matches(stored_ballot_seal(b), b.seal) for b in waiting):
        return StoredVerification(False, count, count + 1, "unsealed", len(waiting))
    if waiting and not allow_pending:
        return StoredVerification(False, count, count + 1, "unsequenced", len(waiting))
    sources = len({statement.source for statement in statements})
    return StoredVerification(True, count, pending=len(waiting), published=sources)
