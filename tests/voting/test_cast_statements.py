"""A lean cast (issue #15 item 2): the vote POST runs a fixed, small number of statements; the
cast itself writes each row once, takes no savepoint and appends to the ledger in place; a
ballot whose append in place loses waits in the queue and the next cast takes it along."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.voting.conftest import full_choices, motions_of, right_of
from voting import actions, ledger, lookups
from voting.actions import casting
from voting.choices import Channel
from voting.models import LedgerPending

pytestmark = pytest.mark.django_db

# The user, the assembly page, its estate with its hub page, the roles with the owner
# standing (one statement), the voter's own and proxied rights (one statement); then the
# cast's 7 (below). Issue #15 asks for at most 12. The session comes from the shared cache
# as in production (Redis); with database sessions it is one more.
VOTE_POST_STATEMENTS = 12
# The assembly row locked with the ledger head read, the ballot, its choices, the receipt
# notification, the one audit record, the ledger entry and the head moved.
CAST_STATEMENTS = 7


def _confirmed_vote(assembly) -> dict:
    resolution, special, election = motions_of(assembly)
    picked = [str(pk) for pk in election.candidates.values_list("pk", flat=True)[:2]]
    return {
        f"motion_{resolution.pk}": "agree",
        f"motion_{special.pk}": "oppose",
        f"motion_{election.pk}": picked,
        "step": "confirm",
        "submission_key": "a" * 32,
    }


def test_the_vote_post_runs_a_fixed_number_of_statements(
    client, assembly, owner, settings, django_assert_max_num_queries
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(owner)
    url = reverse("voting:vote", args=[assembly.pk])
    client.get(url)  # the ballot page: the meeting's motions are read here, then kept
    data = _confirmed_vote(assembly)
    with django_assert_max_num_queries(VOTE_POST_STATEMENTS):
        response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("voting:receipt", args=[assembly.pk])
    assert ledger.verify_assembly(assembly, allow_pending=False).checked == 1


def test_a_cast_given_the_checked_right_writes_once_without_a_savepoint(assembly, owner):
    right = right_of(owner, assembly)
    checked = next(r for r in lookups.rights_for_voter(owner, assembly) if r.right == right)
    motions = assembly.ballot_motions()
    choices = full_choices(assembly)
    assembly.page_estate  # noqa: B018 - the view's lookup has read it
    with CaptureQueriesContext(connection) as captured:
        result = actions.cast_ballot(
            assembly,
            right,
            choices,
            channel=Channel.ONLINE,
            cast_by=owner,
            checked=checked,
            motions=motions,
        )
    statements = [query["sql"] for query in captured.captured_queries]
    assert result.created and result.ballot.ledger_entry.sequence == 1
    assert len(statements) == CAST_STATEMENTS, statements
    assert not any("SAVEPOINT" in sql for sql in statements)
    assert sum(sql.startswith('INSERT INTO "community_auditevent"') for sql in statements) == 1


def test_a_check_of_another_voter_is_not_accepted(assembly, owner, owner_building1):
    right = right_of(owner, assembly)
    checked = next(r for r in lookups.rights_for_voter(owner, assembly) if r.right == right)
    with pytest.raises(ValueError):
        actions.cast_ballot(
            assembly,
            right,
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=owner_building1,
            checked=checked,
        )


def test_a_ballot_left_waiting_is_taken_along_by_the_next_cast(
    monkeypatch, assembly, owner, owner_building1
):
    with monkeypatch.context() as patched:
        # The append in place finds the head taken, and the request dies before the batch step.
        patched.setattr(casting, "append_in_place", lambda ballot, head, supersedes: None)
        patched.setattr(casting, "_sequence_after_commit", lambda assembly, ballot: {})
        waiting = actions.cast_ballot(
            assembly,
            right_of(owner, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=owner,
        ).ballot
    assert LedgerPending.objects.filter(ballot=waiting).exists()

    actions.cast_ballot(
        assembly,
        right_of(owner_building1, assembly),
        full_choices(assembly),
        channel=Channel.ONLINE,
        cast_by=owner_building1,
    )
    assert not LedgerPending.objects.exists()
    verification = ledger.verify_assembly(assembly, allow_pending=False)
    assert verification.ok and verification.checked == 2
