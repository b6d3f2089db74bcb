"""The ballot ledger: a SHA-256 hash chain per assembly (the algorithm is in voting/LEDGER.md).

Pure functions over plain data, so that anyone can recompute the chain from the
published JSON with the same code or a few lines of their own.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "assembly",
    "sequence",
    "pseudonym",
    "choices",
    "channel",
    "cast_at",
    "receipt_hash",
    "supersedes",
    "prev_hash",
)
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud safely


def new_receipt_code() -> str:
    """Return a fresh receipt code such as 7KQ4-M2XD-9PRA-WT3H (about 79 bits)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt_code(code: str) -> str:
    """Return the code as issued: upper case, grouped by four, whatever the owner typed."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def format_cast_at(value: datetime) -> str:
    """Return the time as ISO 8601 in UTC with microseconds, e.g. 2026-12-01T02:03:04.000005Z."""
    if value.tzinfo is None:
        raise ValueError("cast_at must be an aware datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_choices(choices: Mapping[Any, Any]) -> dict[str, Any]:
    """Return choices keyed by motion id as a string; candidate ids sorted ascending."""
    out: dict[str, Any] = {}
    for motion_id, value in choices.items():
        if isinstance(value, list | tuple | set | frozenset):
            out[str(int(motion_id))] = sorted(int(candidate) for candidate in value)
        else:
            out[str(int(motion_id))] = str(value)
    return out


def canonical_bytes(entry: Mapping[str, Any]) -> bytes:
    """Return the canonical serialisation of the hashed fields of one entry.

    JSON with keys sorted, no whitespace, non-ASCII kept as UTF-8.
    """
    payload = {name: entry[name] for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


def build_entry(
    *,
    assembly: int,
    sequence: int,
    pseudonym: str,
    choices: Mapping[Any, Any],
    channel: str,
    cast_at: datetime,
    receipt_hash: str,
    supersedes: int | None,
    prev_hash: str,
) -> dict[str, Any]:
    """Return a ledger entry (hashed fields plus its hash)."""
    entry = {
        "assembly": int(assembly),
        "sequence": int(sequence),
        "pseudonym": pseudonym,
        "choices": canonical_choices(choices),
        "channel": channel,
        "cast_at": format_cast_at(cast_at),
        "receipt_hash": receipt_hash,
        "supersedes": supersedes,
        "prev_hash": prev_hash,
    }
    entry["hash"] = entry_hash(entry)
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    broken_at: int | None = None  # position (1-based) of the first broken entry
    reason: str = ""


def verify_entries(
    entries: Sequence[Mapping[str, Any]],
    *,
    assembly: int | None = None,
    expected_count: int | None = None,
    expected_head: str | None = None,
) -> Verification:
    """Recompute the chain and return the first broken link, if any.

    Detects an edited entry (its hash no longer matches), a deleted or inserted entry
    (sequence numbers and prev_hash links break), reordering (the same), and a removed
    tail when the head (count and last hash, kept separately) is given.
    """
    prev = GENESIS_HASH
    for position, entry in enumerate(entries, start=1):
        try:
            if assembly is not None and entry["assembly"] != assembly:
                return Verification(False, position, position, "assembly")
            if entry["sequence"] != position:
                return Verification(False, position, position, "sequence")
            if entry["prev_hash"] != prev:
                return Verification(False, position, position, "prev_hash")
            if entry_hash(entry) != entry["hash"]:
                return Verification(False, position, position, "hash")
        except (KeyError, TypeError, ValueError):
            return Verification(False, position, position, "malformed")
        prev = entry["hash"]
    count = len(entries)
    if expected_count is not None and expected_count != count:
        return Verification(False, count, count + 1, "count")
    if expected_head is not None and expected_head != prev:
        return Verification(False, count, count, "head")
    return Verification(True, count)


# --- the ledger as stored -----------------------------------------------------------------


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


def _ballot_fields(ballot, *, supersedes: int | None) -> dict[str, Any]:
    """Return the hashed fields that come from the ballot itself (not its place in the chain)."""
    return {
        "assembly": ballot.assembly_id,
        "pseudonym": ballot.ledger_pseudonym,
        "choices": ballot_choices(ballot),
        "channel": ballot.channel,
        "cast_at": format_cast_at(ballot.cast_at),
        "receipt_hash": receipt_hash(ballot.receipt_code),
        "supersedes": supersedes,
    }


def stored_entry(entry) -> dict[str, Any]:
    """Return the ledger entry of a stored LedgerEntry, recomputed from its ballot's columns.

    Needs entry.ballot, its choices and ballot.supersedes.ledger_entry loaded.
    """
    ballot = entry.ballot
    superseded = ballot.supersedes.ledger_entry.sequence if ballot.supersedes_id else None
    return {
        **_ballot_fields(ballot, supersedes=superseded),
        "sequence": entry.sequence,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _stored_entry_rows(assembly):
    from voting.models import LedgerEntry

    return (
        LedgerEntry.objects.filter(assembly=assembly)
        .select_related("ballot", "ballot__supersedes__ledger_entry")
        .prefetch_related("ballot__choices")
        .order_by("sequence")
    )


def stored_entries(assembly) -> list[dict[str, Any]]:
    """Return the assembly's ledger entries in sequence order."""
    return [stored_entry(entry) for entry in _stored_entry_rows(assembly)]


def pending_ballots(assembly):
    """Return the assembly's committed ballots that have no place in the chain yet."""
    from voting.models import Ballot

    return Ballot.objects.filter(assembly=assembly, ledger_entry__isnull=True)


def sequence_pending(assembly, *, ballot_id: int | None = None) -> dict[int, Any]:
    """Append every committed, not yet sequenced ballot of the assembly to its chain.

    The one serialised step of casting: it locks the assembly's LedgerHead row only for
    the few statements that read the head, read the waiting ballots (in id order, so a
    ballot always follows the one it supersedes), insert their LedgerEntry rows and move
    the head. Everything waiting is sequenced in one go.

    With `ballot_id` (a voter's ballot, just committed) voters do not queue for the lock:
    if another voter's sequencing holds it, this one waits for that batch to finish and
    returns if it covered the ballot, else takes the lock if free (or waits again). Idempotent: with nothing waiting
    it writes nothing. Returns {ballot id: LedgerEntry} of the entries this call wrote.
    """
    from django.db import connection

    from voting.models import LedgerEntry, LedgerHead

    assembly_id = getattr(assembly, "pk", assembly)
    if ballot_id is None or connection.vendor != "postgresql":
        # SQLite has one writer: nobody else can be sequencing while we hold the database.
        return _sequence_batch(assembly_id, wait=True)
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


def _sequence_batch(assembly_id: int, *, wait: bool) -> dict[int, Any] | None:
    """Sequence the waiting ballots under the head lock; None if the lock was busy."""
    from django.db import transaction

    from voting.models import LedgerEntry, LedgerHead

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
        waiting = list(
            pending_ballots(assembly_id)
            .select_related("supersedes__ledger_entry")
            .prefetch_related("choices")
            .order_by("id")
        )
        if not waiting:
            return {}
        sequence, prev, now = head.sequence, head.last_hash, _now()
        entries: dict[int, Any] = {}
        for ballot in waiting:
            superseded = None
            if ballot.supersedes_id:
                earlier = entries.get(ballot.supersedes_id) or ballot.supersedes.entry
                superseded = earlier.sequence
            sequence += 1
            fields = {
                **_ballot_fields(ballot, supersedes=superseded),
                "sequence": sequence,
                "prev_hash": prev,
            }
            prev = entry_hash(fields)
            entries[ballot.pk] = LedgerEntry(
                assembly_id=assembly_id,
                ballot=ballot,
                sequence=sequence,
                prev_hash=fields["prev_hash"],
                hash=prev,
                sequenced_at=now,
            )
        LedgerEntry.objects.bulk_create(entries.values())
        head.sequence, head.last_hash = sequence, prev
        head.save(update_fields=["sequence", "last_hash"])
    return entries


def _now():
    from django.utils import timezone

    return timezone.now()


@dataclass(frozen=True)
class StoredVerification(Verification):
    """A verification of the stored chain, with the ballots still waiting for their place."""

    pending: int = 0


def verify_assembly(assembly, *, allow_pending: bool | None = None) -> StoredVerification:
    """Verify the stored chain of an assembly against its head, in one consistent snapshot.

    A committed ballot without a LedgerEntry is normal for the few milliseconds between its
    commit and its sequencing while voting is open (reported as `pending`); once voting
    has closed every ballot must be in the chain, so a pending one is a broken ledger.
    """
    from django.db import connection, transaction

    from voting.choices import AssemblyState
    from voting.models import LedgerHead

    if allow_pending is None:
        allow_pending = assembly.state == AssemblyState.OPEN
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # The head, the entries and the pending ballots must be one snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = LedgerHead.objects.filter(assembly=assembly).first()
        entries = stored_entries(assembly)
        pending = pending_ballots(assembly).count()
    result = verify_entries(
        entries,
        assembly=assembly.pk,
        expected_count=head.sequence if head else 0,
        expected_head=head.last_hash if head else GENESIS_HASH,
    )
    if result.ok and pending and not allow_pending:
        return StoredVerification(False, result.checked, result.checked + 1, "unsequenced", pending)
    return StoredVerification(
        result.ok, result.checked, result.broken_at, result.reason, pending if result.ok else 0
    )


def public_entries(assembly, *, with_choices: bool) -> Iterable[dict[str, Any]]:
    """Return the entries as published: choices only once voting has closed."""
    for entry in stored_entries(assembly):
        if not with_choices:
            entry = {**entry, "choices": None}
        yield entry
