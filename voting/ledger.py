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


def ballot_entry(ballot) -> dict[str, Any]:
    """Return the ledger entry of a stored ballot, recomputed from its columns."""
    return {
        "assembly": ballot.assembly_id,
        "sequence": ballot.sequence,
        "pseudonym": ballot.ledger_pseudonym,
        "choices": ballot_choices(ballot),
        "channel": ballot.channel,
        "cast_at": format_cast_at(ballot.cast_at),
        "receipt_hash": receipt_hash(ballot.receipt_code),
        "supersedes": ballot.supersedes.sequence if ballot.supersedes_id else None,
        "prev_hash": ballot.prev_hash,
        "hash": ballot.hash,
    }


def stored_entries(assembly) -> list[dict[str, Any]]:
    """Return the assembly's ledger entries in sequence order."""
    from voting.models import Ballot

    ballots = (
        Ballot.objects.filter(assembly=assembly)
        .select_related("supersedes")
        .prefetch_related("choices")
        .order_by("sequence")
    )
    return [ballot_entry(ballot) for ballot in ballots]


def verify_assembly(assembly) -> Verification:
    """Verify the stored chain of an assembly against its head."""
    from voting.models import LedgerHead

    head = LedgerHead.objects.filter(assembly=assembly).first()
    return verify_entries(
        stored_entries(assembly),
        assembly=assembly.pk,
        expected_count=head.sequence if head else 0,
        expected_head=head.last_hash if head else GENESIS_HASH,
    )


def public_entries(assembly, *, with_choices: bool) -> Iterable[dict[str, Any]]:
    """Return the entries as published: choices only once voting has closed."""
    for entry in stored_entries(assembly):
        if not with_choices:
            entry = {**entry, "choices": None}
        yield entry
