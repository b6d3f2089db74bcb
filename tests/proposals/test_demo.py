"""The demo proposals: every state in 锦绣花园, an overdue answer in 翠湖苑; seeding is idempotent."""

from __future__ import annotations

import pytest

from demo import district as demo
from proposals.choices import ProposalStatus
from proposals.models import Proposal, Support

pytestmark = pytest.mark.django_db


def test_the_demo_shows_proposals_in_realistic_states_in_both_estates():
    demo.seed()
    jinxiu = dict(Proposal.objects.filter(estate__slug="jinxiu").values_list("title", "status"))
    assert sorted(jinxiu.values()) == sorted(
        [
            ProposalStatus.AWAITING_ANSWER,
            ProposalStatus.ADOPTED,
            ProposalStatus.REJECTED,
            ProposalStatus.REFERRED,
            ProposalStatus.COLLECTING,
        ]
    )
    adopted = Proposal.objects.get(estate__slug="jinxiu", status=ProposalStatus.ADOPTED)
    assert adopted.consultation is not None and adopted.answered_in_time()
    overdue = Proposal.objects.get(estate__slug="cuihu", status=ProposalStatus.AWAITING_ANSWER)
    assert overdue.is_overdue()
    for proposal in Proposal.objects.exclude(status=ProposalStatus.COLLECTING):
        assert proposal.needed_at_threshold <= proposal.heads_at_threshold
        assert (
            Support.objects.filter(target="proposal", object_id=proposal.pk).count()
            >= proposal.needed_at_threshold
        )

    counts = (Proposal.objects.count(), Support.objects.count())
    demo.seed()
    assert (Proposal.objects.count(), Support.objects.count()) == counts
