"""The server's seals: an HMAC-SHA256 under a key that lives in the application's settings.

A ballot is sealed when it is cast, over everything its ledger entry is made of; the head
is sealed each time it moves. The key (LEDGER_SEAL_KEY, else SECRET_KEY) is not in the
database, so whoever can write SQL but does not hold the key (a database administrator, a
leaked backup restored elsewhere, an injected query) cannot add or alter a ballot or move
the head without `verify_ledger` noticing. Whoever holds both the key and the database can;
the published hashes and the voters' receipts are what catch that (SECURITY.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from voting.ledger.chain import canonical_json, format_cast_at, receipt_hash


def _key() -> bytes:
    from django.conf import settings

    secret = getattr(settings, "LEDGER_SEAL_KEY", "") or settings.SECRET_KEY
    # A key of its own for the ledger, derived so that no other use of SECRET_KEY collides.
    return hmac.new(secret.encode("utf-8"), b"gongzhi-ledger-seal", hashlib.sha256).digest()


def seal(purpose: str, fields: Mapping[str, Any]) -> str:
    """Return the HMAC-SHA256 (hex) of the purpose and the canonical JSON of the fields."""
    message = purpose.encode("utf-8") + b"\n" + canonical_json(fields)
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given or "")


def ballot_seal_fields(ballot, *, right_pseudonym: str, superseded_receipt: str | None):
    """Return what a ballot's seal covers (the columns its ledger entry is computed from)."""
    return {
        "assembly": ballot.assembly_id,
        "right": right_pseudonym,
        "right_nonce": ballot.right_nonce,
        "voter": ballot.ledger_pseudonym,
        "channel": ballot.channel,
        "version": ballot.version,
        "supersedes": receipt_hash(superseded_receipt) if superseded_receipt else None,
        "cast_at": format_cast_at(ballot.cast_at),
        "receipt_hash": receipt_hash(ballot.receipt_code),
        "commitment": ballot.commitment,
    }


def ballot_seal(ballot, *, right_pseudonym: str, superseded_receipt: str | None) -> str:
    fields = ballot_seal_fields(
        ballot, right_pseudonym=right_pseudonym, superseded_receipt=superseded_receipt
    )
    return seal("ballot", fields)


def stored_ballot_seal(ballot) -> str:
    """Return the seal a stored ballot should carry (needs ballot.right and ballot.supersedes)."""
    superseded = ballot.supersedes.receipt_code if ballot.supersedes_id else None
    return ballot_seal(
        ballot, right_pseudonym=ballot.right.pseudonym, superseded_receipt=superseded
    )


def head_seal(head) -> str:
    return seal(
        "head",
        {
            "assembly": head.assembly_id,
            "version": head.version,
            "roll_hash": head.roll_hash,
            "secret": bool(head.secret),
            "sequence": head.sequence,
            "last_hash": head.last_hash,
        },
    )
