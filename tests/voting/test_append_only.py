"""Ballots and the roll are append-only: the models and the database both refuse changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from portal.community.models.audit import AppendOnlyError
from tests.voting.conftest import full_choices, right_of
from voting import actions
from voting.choices import Channel
from voting.models import Ballot, BallotChoice, VotingRight

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(assembly, owner):
    return actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        channel=Channel.ONLINE,
        cast_by=owner,
    ).ballot


def test_saving_a_ballot_again_raises(ballot):
    ballot.channel = Channel.PAPER
    with pytest.raises(AppendOnlyError):
        ballot.save()


def test_deleting_a_ballot_raises(ballot):
    with pytest.raises(AppendOnlyError):
        ballot.delete()
    with pytest.raises(AppendOnlyError):
        ballot.choices.first().delete()


def test_saving_a_voting_right_again_raises(assembly):
    right = VotingRight.objects.filter(assembly=assembly).first()
    with pytest.raises(AppendOnlyError):
        right.save()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE voting_ballot SET channel = 'paper'",
        "DELETE FROM voting_ballot",
        "UPDATE voting_ballotchoice SET choice = 'oppose'",
        "DELETE FROM voting_ballotchoice",
        "UPDATE voting_votingright SET area = 1",
        "DELETE FROM voting_votingrightunit",
    ],
)
def test_raw_sql_update_or_delete_is_refused_by_the_trigger(ballot, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Ballot.objects.get(pk=ballot.pk).channel == Channel.ONLINE
    assert BallotChoice.objects.filter(ballot=ballot).count() == 4
