"""Known answers for the ledger format, written out from voting/LEDGER.md ("One entry").

Every expected value here is a literal: the canonical JSON text as the specification describes
it (keys sorted at every level, no whitespace, `null`, integers as integers) and the SHA-256 of
that text, computed once with nothing but hashlib. Nothing is taken from the code under test,
so a change to the format (a field added or dropped, another order, spaces, ASCII escapes)
fails here and must be a new format version, not a silent change.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from voting.ledger import chain

# LEDGER.md, "One entry": the hashed fields in the table's order, and nothing else is hashed.
SPEC_HASHED_FIELDS = (
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

RECEIPT_CODE = "7KQ4-M2XD-9PRA-WT3H"  # the example code of LEDGER.md
RECEIPT_HASH = "ec6cae99c3b31ecd8a40dd2852e56e92b6f4254ba9d2fd428b027d169faeb3c6"

NONCE = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
COMMITMENT_TEXT = (
    '{"choices":{"12":"agree","13":[4,9],"14":"abstain"},'
    '"nonce":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}'
)
COMMITMENT = "949c3f0f7ad598dfc854009708ef866354bacb1a13e571afb72e7d6ae291535f"

RIGHT_NONCE = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
RIGHT_COMMITMENT_TEXT = (
    '{"nonce":"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",'
    '"right":"9f86d081884c7d65"}'
)
RIGHT_COMMITMENT = "a4b4fc281618527e27a8b96cd0016fd4c07cd342464100dd9bb455d6d5adc021"

ROLL_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
GENESIS = "0000000000000000000000000000000000000000000000000000000000000000"

FIRST = {
    "assembly": 37,
    "sequence": 1,
    "roll_hash": ROLL_HASH,
    "voter": "9f86d081884c7d65",
    "right_commitment": RIGHT_COMMITMENT,
    "commitment": COMMITMENT,
    "channel": "online",
    "cast_at": "2026-12-01T02:03:04.000005Z",
    "receipt_hash": RECEIPT_HASH,
    "supersedes": None,
    "prev_hash": GENESIS,
}
FIRST_TEXT = (
    '{"assembly":37,"cast_at":"2026-12-01T02:03:04.000005Z","channel":"online",'
    '"commitment":"949c3f0f7ad598dfc854009708ef866354bacb1a13e571afb72e7d6ae291535f",'
    '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
    '"receipt_hash":"ec6cae99c3b31ecd8a40dd2852e56e92b6f4254ba9d2fd428b027d169faeb3c6",'
    '"right_commitment":"a4b4fc281618527e27a8b96cd0016fd4c07cd342464100dd9bb455d6d5adc021",'
    '"roll_hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",'
    '"sequence":1,"supersedes":null,"voter":"9f86d081884c7d65"}'
)
FIRST_HASH = "6ab183c613a224dd0e6a526e278ecc7a21858d69bad661d68482fa3eb845e6e7"

SECOND = {
    **FIRST,
    "sequence": 2,
    "voter": "0123456789abcdef",
    "channel": "paper",
    "cast_at": "2026-12-01T03:00:00.000000Z",
    "prev_hash": FIRST_HASH,
}
SECOND_HASH = "5392130f8c77de9c6c05d44c7af8286888495477c8151179077a9b7d9ac51ae9"


def test_the_known_answers_are_the_sha256_of_the_written_out_texts():
    """The literals agree with each other (hashlib only), so the tests below check the code."""
    assert hashlib.sha256(RECEIPT_CODE.encode("utf-8")).hexdigest() == RECEIPT_HASH
    assert hashlib.sha256(COMMITMENT_TEXT.encode("utf-8")).hexdigest() == COMMITMENT
    assert hashlib.sha256(RIGHT_COMMITMENT_TEXT.encode("utf-8")).hexdigest() == RIGHT_COMMITMENT
    assert hashlib.sha256(FIRST_TEXT.encode("utf-8")).hexdigest() == FIRST_HASH


def test_the_code_hashes_exactly_the_fields_the_specification_lists():
    assert chain.HASHED_FIELDS_V2 == SPEC_HASHED_FIELDS
    assert chain.GENESIS_HASH == GENESIS


def test_a_receipt_hash_is_sha256_of_the_code_as_issued():
    assert chain.receipt_hash(RECEIPT_CODE) == RECEIPT_HASH


def test_a_commitment_hashes_the_choices_keyed_by_motion_id_string_with_candidates_ascending():
    # Motion ids given as integers and candidates out of order: the canonical form fixes both.
    assert chain.commitment({12: "agree", 13: [9, 4], 14: "abstain"}, NONCE) == COMMITMENT


def test_a_right_commitment_hashes_the_rights_pseudonym_with_its_secret_nonce():
    assert chain.right_commitment("9f86d081884c7d65", RIGHT_NONCE) == RIGHT_COMMITMENT


def test_an_entry_hash_is_sha256_of_the_canonical_json_of_its_hashed_fields():
    assert chain.canonical_bytes(FIRST) == FIRST_TEXT.encode("utf-8")
    assert chain.entry_hash(FIRST) == FIRST_HASH


def test_fields_outside_the_list_do_not_change_an_entrys_hash():
    opened = {**FIRST, "choices": {"12": "agree"}, "nonce": NONCE, "counted": True}
    assert chain.entry_hash(opened) == FIRST_HASH


def test_each_entry_chains_to_the_hash_of_the_one_before():
    fields = {name: SECOND[name] for name in set(SPEC_HASHED_FIELDS) - {"sequence", "prev_hash"}}
    built = chain.build_entry(fields, sequence=2, prev_hash=FIRST_HASH)
    assert built["hash"] == SECOND_HASH
    entries = [{**FIRST, "hash": FIRST_HASH}, built]
    assert chain.verify_entries(entries, expected_count=2, expected_head=SECOND_HASH).ok


def test_a_cast_time_is_written_in_utc_with_microseconds_and_z():
    beijing = timezone(timedelta(hours=8))
    cast = datetime(2026, 12, 1, 10, 3, 4, 5, tzinfo=beijing)
    assert chain.format_cast_at(cast) == "2026-12-01T02:03:04.000005Z"
