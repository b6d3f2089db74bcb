"""Ballot secrecy: while voting is open nobody recovers a choice from the published ledger by
trying every combination, and in a secret-ballot assembly nothing the committee or officials
can see pairs a person with a ballot: not the audit log, not the ledger's order or times."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from portal.community import actions as community_actions
from portal.community.models import AuditEvent
from tests.factories import (
    BuildingFactory,
    OwnerIdentityFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)
from tests.voting.conftest import full_choices, motions_of, open_assembly, right_of
from voting import actions, ledger
from voting.actions import casting
from voting.choices import Channel
from voting.models import Ballot, LedgerHead

pytestmark = pytest.mark.django_db

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def voters_in(estate, count: int, building_name: str) -> list:
    """Return `count` verified owners of one flat each in a new building of the estate."""
    building = BuildingFactory(estate=estate, name=building_name)
    voters = []
    for index in range(count):
        user = UserFactory()
        identity = OwnerIdentityFactory(estate=estate, name=user.display_name, mobile=user.phone)
        unit = UnitFactory(
            building=building,
            number=f"{index // 4 + 1}{index % 4 + 1:02d}",
            floor=index // 4 + 1,
            exclusive_area=Decimal("89.37") + index,
        )
        OwnershipFactory(unit=unit, identity=identity)
        community_actions.link_identity(identity, user, how="test")
        voters.append(user)
    return voters


def choice_space(assembly) -> list[dict]:
    """Return every ballot an owner could cast on the fixture's motions, in ledger form."""
    per_motion = []
    for motion in motions_of(assembly):
        if motion.is_election:
            ids = sorted(motion.candidates.values_list("pk", flat=True))
            options = [None, "abstain"] + [
                list(subset)
                for size in range(1, motion.seats + 1)
                for subset in itertools.combinations(ids, size)
            ]
        else:
            options = [None, "agree", "oppose", "abstain"]
        per_motion.append([(motion.pk, option) for option in options])
    space = []
    for combination in itertools.product(*per_motion):
        choices = {str(pk): option for pk, option in combination if option is not None}
        if choices:
            space.append(choices)
    return space


def _sha(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def brute_force(data: dict, space: list[dict]) -> dict[int, dict]:
    """Try every possible ballot against every digest each published entry carries.

    The attack of the issue: put a guess of the choices beside the entry's other published
    fields and hash them as the published algorithm says, and also try the guess hashed on
    its own or as an unsalted commitment. Returns {sequence: recovered choices}.
    """
    fields = [name for name in data.get("hashed_fields", []) if name != "choices"] + ["choices"]
    recovered = {}
    for entry in data["entries"]:
        digests = {v for v in entry.values() if isinstance(v, str) and HEX64.match(v)}
        for choices in space:
            guess = {**entry, "choices": choices}
            attempts = {
                _sha(choices),
                _sha({"choices": choices}),
                _sha({"choices": choices, "nonce": None}),
                _sha({"choices": choices, "nonce": ""}),
            }
            if all(name in guess for name in fields):
                attempts.add(_sha({name: guess[name] for name in fields}))
            if attempts & digests:
                recovered[entry["sequence"]] = choices
                break
    return recovered


def _random_choices(assembly, rng: random.Random) -> dict:
    resolution, special, election = motions_of(assembly)
    candidates = list(election.candidates.values_list("pk", flat=True))
    return {
        resolution.pk: rng.choice(["agree", "oppose", "abstain"]),
        special.pk: rng.choice(["agree", "oppose", "abstain"]),
        election.pk: rng.sample(candidates, rng.randint(1, 5)),
    }


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_tenant_recovers_no_choice_by_trying_every_combination_on_the_open_ledger(
    client, estate_a, register, committee_chair, tenant, secret
):
    voters = voters_in(estate_a, 30, "11栋")
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=secret)
    rng = random.Random(12)
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            _random_choices(assembly, rng),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
    space = choice_space(assembly)
    cast = ledger.canonical_choices(full_choices(assembly))
    assert cast in space and len(space) > 1000  # the enumeration covers every real ballot

    client.force_login(tenant)
    data = client.get(reverse("voting:ledger_json", args=[assembly.pk])).json()
    assert len(data["entries"]) >= 20  # the chain is public and live while voting is open
    assert brute_force(data, space) == {}


def test_the_committee_cannot_pair_names_with_ballots_in_a_secret_assembly(
    estate_a, register, committee_chair
):
    """Everything the committee sees: the audit list (who, when, which object) and the public
    ledger watched live (which entries appeared after which vote), then the choices opened
    at the close. The best pairing from them must do no better than a guess in a crowd."""
    voters = voters_in(estate_a, 60, "12栋")
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=True)
    rng = random.Random(60)
    seen_after: list[int] = []  # the ledger's length after each vote, as a watcher sees it
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            _random_choices(assembly, rng),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
        seen_after.append(LedgerHead.objects.get(assembly=assembly).sequence)
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    truth = {
        ballot.cast_by_id: ballot.ledger_entry.sequence
        for ballot in Ballot.objects.filter(assembly=assembly).select_related("ledger_entry")
    }
    events = list(
        AuditEvent.objects.filter(action="ballot.cast", details__assembly_id=assembly.pk).order_by(
            "at", "id"
        )
    )
    assert [event.actor_id for event in events] == [voter.pk for voter in voters]

    # 1. The audit list names the ballot ("线上 #<id>") and ids follow the ledger order.
    ids = [re.search(r"#(\d+)$", event.object_repr) for event in events]
    by_id = {}
    if all(ids):
        ranked = sorted(events, key=lambda e: int(re.search(r"#(\d+)$", e.object_repr)[1]))
        by_id = {event.actor_id: n for n, event in enumerate(ranked, start=1)}
    # 2. The ledger watched live: entries that appeared after a vote go to the earliest
    # voters not yet paired, in the order they appeared.
    by_watching, waiting, shown = {}, [], 0
    for event, length in zip(events, seen_after, strict=True):
        waiting.append(event.actor_id)
        for sequence in range(shown + 1, length + 1):
            by_watching[waiting.pop(0)] = sequence
        shown = length
    for sequence in range(shown + 1, len(truth) + 1):  # the rest appear at the close
        by_watching[waiting.pop(0)] = sequence

    def correct(pairing):
        return sum(1 for voter, sequence in pairing.items() if truth[voter] == sequence)

    # By chance a random pairing gets one right; the mixing leaves a guess little better.
    assert max(correct(by_id), correct(by_watching)) <= 20
    assert all(event.object_type != "voting.ballot" for event in events)


def test_the_audit_record_of_a_secret_ballot_says_who_voted_not_which_ballot(
    estate_a, register, committee_chair, owner
):
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=True)
    ballot = actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        channel=Channel.ONLINE,
        cast_by=owner,
    ).ballot
    event = AuditEvent.objects.get(action="ballot.cast", actor=owner)
    assert (event.object_type, event.object_id) == ("voting.assemblypage", str(assembly.pk))
    assert str(ballot.pk) not in event.object_repr
    assert "version" not in event.details and ballot.receipt_code not in json.dumps(event.details)


def test_a_secret_ballot_publishes_a_one_off_pseudonym_no_time_and_only_the_channel_class(
    estate_a, register, committee_chair, owner, owner_building1
):
    voters = voters_in(estate_a, 2 * ledger.MIX_KEEP, "13栋")
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=True)
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
    entries = ledger.stored_entries(assembly)
    assert len(entries) == ledger.MIX_KEEP
    pseudonyms = {right_of(voter, assembly).pseudonym for voter in voters}
    assert all(entry["voter"] not in pseudonyms for entry in entries)
    assert {entry["cast_at"] for entry in entries} == {None}
    assert {entry["channel"] for entry in entries} == {"electronic"}


def test_a_secret_assembly_appends_random_draws_that_keep_a_pool_waiting_until_the_close(
    estate_a, register, committee_chair
):
    keep = ledger.MIX_KEEP
    voters = voters_in(estate_a, 2 * keep + 3, "14栋")
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=True)
    lengths = []
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
        lengths.append(LedgerHead.objects.get(assembly=assembly).sequence)
    # Nothing until 2×keep wait; then all but `keep` of them at once, drawn at random.
    assert lengths[: 2 * keep - 1] == [0] * (2 * keep - 1)
    assert lengths[2 * keep - 1 :] == [keep] * 4
    result = ledger.verify_assembly(assembly)
    assert result.ok and result.pending == keep + 3
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    assembly.refresh_from_db()
    assert LedgerHead.objects.get(assembly=assembly).sequence == len(voters)
    assert ledger.verify_assembly(assembly).ok


def test_a_batch_is_shuffled_and_keeps_each_ballot_after_the_one_it_supersedes(
    monkeypatch, estate_a, register, committee_chair, owner, owner_building1
):
    from voting.ledger import store

    voters = [owner, owner_building1, register.multi_owner, *voters_in(estate_a, 5, "15栋")]
    assembly = open_assembly(estate_a, committee_chair, allow_change_before_close=True)
    # Each append in place finds the head taken, and the request dies before the batch step.
    monkeypatch.setattr(casting, "append_in_place", lambda ballot, head, supersedes: None)
    monkeypatch.setattr(casting, "_sequence_after_commit", lambda assembly, ballot: {})
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
    for voter in voters[:3]:  # three owners change their ballot, one of them twice
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            full_choices(assembly, candidates=1),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
    actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly, candidates=3),
        channel=Channel.ONLINE,
        cast_by=owner,
    )
    orders = set()
    for seed in range(12):
        monkeypatch.setattr(store, "_rng", random.Random(seed))
        with transaction.atomic():
            point = transaction.savepoint()
            ledger.sequence_pending(assembly)
            ballots = Ballot.objects.filter(assembly=assembly).select_related(
                "ledger_entry", "supersedes__ledger_entry"
            )
            for ballot in ballots:
                if ballot.supersedes_id:
                    assert ballot.ledger_entry.sequence > ballot.supersedes.ledger_entry.sequence
            orders.add(tuple(b.pk for b in sorted(ballots, key=lambda b: b.ledger_entry.sequence)))
            assert ledger.verify_assembly(assembly).ok
            transaction.savepoint_rollback(point)
    ids = tuple(sorted(b.pk for b in Ballot.objects.filter(assembly=assembly)))
    assert len(orders) > 1 and orders != {ids}  # not id order, and not one fixed order


def test_in_a_secret_assembly_the_close_opens_only_the_ballots_that_count(
    client, estate_a, register, committee_chair, owner
):
    voters = [owner, *voters_in(estate_a, 4, "16栋")]
    assembly = open_assembly(
        estate_a, committee_chair, secret_ballot=True, allow_change_before_close=True
    )
    for voter in voters:
        actions.cast_ballot(
            assembly,
            right_of(voter, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=voter,
        )
    replaced = Ballot.objects.get(assembly=assembly, cast_by=owner)
    actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly, candidates=1),
        channel=Channel.ONLINE,
        cast_by=owner,
    )
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    client.force_login(owner)
    data = client.get(reverse("voting:ledger_json", args=[assembly.pk])).json()
    assert ledger.verify_downloaded(data).ok
    by_receipt = {entry["receipt_hash"]: entry for entry in data["entries"]}
    hidden = by_receipt[ledger.receipt_hash(replaced.receipt_code)]
    assert (hidden["counted"], hidden["choices"], hidden["nonce"], hidden["supersedes"]) == (
        False,
        None,
        None,
        None,
    )
    opened = [entry for entry in data["entries"] if entry["counted"]]
    assert len(opened) == len(voters) and all(entry["nonce"] for entry in opened)


@pytest.mark.parametrize(
    "secret, words",
    [(False, "记名投票（实名）"), (True, "不记名投票")],
    ids=["named", "secret"],
)
def test_the_voting_page_says_before_voting_whether_the_ballot_is_named(
    client, estate_a, register, committee_chair, owner, secret, words
):
    assembly = open_assembly(estate_a, committee_chair, secret_ballot=secret)
    client.force_login(owner)
    page = client.get(reverse("voting:vote", args=[assembly.pk])).content.decode()
    assert words in page
    assert ("业主委员会在计票和核查时可以查明" in page) is not secret
