"""The ledger's formats as pure functions over plain data (the algorithm is voting/LEDGER.md).

Nothing here touches the database, so anyone can recompute a published ledger with the same
code, or with a few lines of their own: the hash chain of gongzhi-ledger-v2 (and of v1, for
chains begun before it), the commitments revealed at the close, the hash of a frozen roll,
and the one-line statement of a chain's state that notices and PDFs publish.

Long because: it is the ledger's reference implementation (LEDGER.md), kept in one
self-contained file that a verifier can read top to bottom or copy whole.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
FORMAT_V1 = "gongzhi-ledger-v1"
FORMAT_V2 = "gongzhi-ledger-v2"
ROLL_FORMAT = "gongzhi-roll-v1"

HASHED_FIELDS_V1 = (
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
# v2 hashes a commitment to the choices, never the choices themselves: the choice space is
# small, so a hash over published fields plus the choices could be inverted by trying them.
HASHED_FIELDS_V2 = (
    "assembly",
    "sequence",
    "roll_hash",
    "voter",
    "right_commitment",
    "commitment",
    "channel",
    "cast_at",
    "receipt_hash",
    "supersedes",
    "prev_hash",
)
HASHED_FIELDS = HASHED_FIELDS_V2
HASHED_FIELDS_BY_VERSION = {1: HASHED_FIELDS_V1, 2: HASHED_FIELDS_V2}
FORMATS = {1: FORMAT_V1, 2: FORMAT_V2}

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud safely
HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --- encodings ----------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Return the canonical serialisation: keys sorted, no whitespace, UTF-8 as itself."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_nonce() -> str:
    """Return 256 random bits as 64 lower-case hex digits (a commitment's secret)."""
    return secrets.token_hex(32)


def new_receipt_code() -> str:
    """Return a fresh receipt code such as 7KQ4-M2XD-9PRA-WT3H (about 79 bits)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt_code(code: str) -> str:
    """Return the code as issued: upper case, grouped by four, whatever the owner typed."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def receipt_hash(code: str) -> str:
    return sha256_hex(code.encode("utf-8"))


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


# --- commitments (v2) ---------------------------------------------------------------------


def commitment(choices: Mapping[Any, Any], nonce: str) -> str:
    """Return SHA-256 of the canonical {"choices": …, "nonce": …}: binds, and hides until opened."""
    return sha256_hex(canonical_json({"choices": canonical_choices(choices), "nonce": nonce}))


def right_commitment(right_pseudonym: str, nonce: str) -> str:
    """Return SHA-256 of the canonical {"nonce": …, "right": …}; its nonce is never published."""
    return sha256_hex(canonical_json({"nonce": nonce, "right": right_pseudonym}))


# --- entries ------------------------------------------------------------------------------


def canonical_bytes(entry: Mapping[str, Any], *, version: int = 2) -> bytes:
    """Return the canonical serialisation of the hashed fields of one entry."""
    return canonical_json({name: entry[name] for name in HASHED_FIELDS_BY_VERSION[version]})


def entry_hash(entry: Mapping[str, Any], *, version: int = 2) -> str:
    return sha256_hex(canonical_bytes(entry, version=version))


def build_entry(fields: Mapping[str, Any], *, sequence: int, prev_hash: str, version: int = 2):
    """Return a ledger entry: its hashed fields with sequence and prev_hash, plus its hash."""
    entry = {**fields, "sequence": int(sequence), "prev_hash": prev_hash}
    entry = {name: entry[name] for name in HASHED_FIELDS_BY_VERSION[version]}
    entry["hash"] = entry_hash(entry, version=version)
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
    version: int = 2,
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
            if entry_hash(entry, version=version) != entry["hash"]:
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


def verify_revealed(entries: Sequence[Mapping[str, Any]]) -> Verification:
    """Check every opened commitment of a closed v2 ledger: SHA-256(choices, nonce) = commitment.

    An entry published without its nonce (in a secret ballot, one that does not count) is
    skipped; an entry that counts must be opened.
    """
    for position, entry in enumerate(entries, start=1):
        try:
            nonce = entry.get("nonce")
            if nonce is None:
                if entry.get("counted"):
                    return Verification(False, position, position, "unopened")
                continue
            if commitment(entry["choices"], nonce) != entry["commitment"]:
                return Verification(False, position, position, "commitment")
        except (KeyError, TypeError, ValueError, AttributeError):
            return Verification(False, position, position, "malformed")
    return Verification(True, len(entries))


def count_heads(entries: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Return, per motion id, how many counted entries chose each option (or candidate id).

    The head count of the tally as anyone can recompute it from a closed ledger; the area
    weights come from the frozen roll, which names units and is not published.
    """
    counts: dict[str, dict[str, int]] = {}
    for entry in entries:
        if not entry.get("counted"):
            continue
        for motion_id, value in (entry.get("choices") or {}).items():
            options = value if isinstance(value, list) else [value]
            bucket = counts.setdefault(motion_id, {})
            for option in options:
                bucket[str(option)] = bucket.get(str(option), 0) + 1
    return counts


# --- the frozen roll ------------------------------------------------------------------------


def roll_document(
    *,
    assembly: int,
    total_area: Any,
    total_heads: int,
    total_units: int,
    rights: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Return the canonical document of a frozen roll, whose SHA-256 is the roll hash.

    Each right: its pseudonym, kind, area, unit count, masked holder name, holder identity
    ids and units (register id, building, number, area). Areas are decimal strings with two
    places; rights are ordered by pseudonym, units by id, holders ascending.
    """
    return {
        "format": ROLL_FORMAT,
        "assembly": int(assembly),
        "total_area": f"{total_area:.2f}",
        "total_heads": int(total_heads),
        "total_units": int(total_units),
        "rights": sorted(
            (
                {
                    "pseudonym": right["pseudonym"],
                    "kind": right["kind"],
                    "area": f"{right['area']:.2f}",
                    "unit_count": int(right["unit_count"]),
                    "holder_name": right["holder_name"],
                    "holders": sorted(int(h) for h in right["holders"]),
                    "units": sorted(
                        (
                            {
                                "unit": int(unit["unit"]),
                                "building": unit["building"],
                                "number": unit["number"],
                                "area": f"{unit['area']:.2f}",
                            }
                            for unit in right["units"]
                        ),
                        key=lambda unit: unit["unit"],
                    ),
                }
                for right in rights
            ),
            key=lambda right: right["pseudonym"],
        ),
    }


def roll_hash(document: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(document))


# --- the published statement of a chain -------------------------------------------------------

PUBLISHED_LINE = re.compile(
    r"gongzhi-ledger-v(?P<version>\d+) assembly=(?P<assembly>\d+) entries=(?P<entries>\d+)"
    r" head=(?P<head>[0-9a-f]{64}) roll=(?P<roll>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class Published:
    """A chain's state as published at one moment: so many entries ending in this hash."""

    assembly: int
    entries: int
    head: str
    roll: str
    version: int = 2
    final: bool = False  # published at or after the close: the chain never grows past it
    source: str = ""

    @property
    def line(self) -> str:
        return publication_line(
            assembly=self.assembly,
            entries=self.entries,
            head=self.head,
            roll=self.roll,
            version=self.version,
        )


def publication_line(*, assembly: int, entries: int, head: str, roll: str, version: int = 2) -> str:
    """Return the one line that notices, the result PDF and the JSON publish about a chain."""
    return (
        f"gongzhi-ledger-v{version} assembly={assembly} entries={entries} head={head} roll={roll}"
    )


def parse_publications(text: str, *, final: bool = False, source: str = "") -> list[Published]:
    """Return every publication line found in a text (a notice, a PDF's text, a paste)."""
    return [
        Published(
            assembly=int(match["assembly"]),
            entries=int(match["entries"]),
            head=match["head"],
            roll=match["roll"],
            version=int(match["version"]),
            final=final,
            source=source,
        )
        for match in PUBLISHED_LINE.finditer(text or "")
    ]


def check_publication(
    published: Published, *, assembly: int, hashes: Sequence[str], roll: str
) -> str:
    """Return "" if the chain (its entry hashes in order) agrees with a publication, else why.

    The chain must hold the published entry count with the published hash at that place,
    and a final publication (the close, the result) must be its whole length.
    """
    if published.assembly != assembly:
        return "assembly"
    if published.roll != roll:
        return "roll"
    if published.entries > len(hashes):
        return "entries"
    at = hashes[published.entries - 1] if published.entries else GENESIS_HASH
    if at != published.head:
        return "head"
    if published.final and published.entries != len(hashes):
        return "entries"
    return ""


# --- a downloaded ledger, checked without the server ---------------------------------------------


def verify_downloaded(
    data: Mapping[str, Any], *, published: Sequence[Published] = ()
) -> Verification:
    """Check a downloaded ledger.json on its own: what anyone can do without the database.

    The chain and its head; the lines the file states and any `published` line (from a
    notice, the result PDF, an earlier download); after the close every opened commitment.
    """
    version = {FORMAT_V1: 1, FORMAT_V2: 2}.get(data.get("format", ""))
    entries = data.get("entries")
    if version is None or not isinstance(entries, list):
        return Verification(False, 0, None, "malformed")
    head = data.get("head") or {"sequence": 0, "last_hash": GENESIS_HASH}
    if version == 1 and not data.get("revealed_fields"):
        # A v1 chain still open publishes only its links: check those.
        prev = GENESIS_HASH
        for position, entry in enumerate(entries, start=1):
            if entry.get("sequence") != position or entry.get("prev_hash") != prev:
                return Verification(False, position, position, "prev_hash")
            prev = entry.get("hash")
        result = Verification(True, len(entries))
        if head["sequence"] != len(entries) or head["last_hash"] != prev:
            result = Verification(False, len(entries), len(entries), "head")
    else:
        result = verify_entries(
            entries,
            version=version,
            assembly=data.get("assembly"),
            expected_count=head["sequence"],
            expected_head=head["last_hash"],
        )
    if not result.ok:
        return result
    hashes = [entry["hash"] for entry in entries]
    statements = [*parse_publications(data.get("published", "")), *published]
    for publication in data.get("publications", []):
        statements += parse_publications(
            publication.get("line", ""), final=publication.get("moment") != "opened"
        )
    roll = data.get("roll_hash") or GENESIS_HASH
    for statement in statements:
        if check_publication(statement, assembly=data.get("assembly"), hashes=hashes, roll=roll):
            return Verification(False, len(entries), None, "published")
    if version >= 2 and "nonce" in (data.get("revealed_fields") or []):
        return verify_revealed(entries)
    return result
