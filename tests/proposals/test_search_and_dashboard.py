"""Proposals in search (members of the estate only) and on the officials' dashboard
(answered in time, late, or overdue)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.dashboard.period import Period
from proposals import actions
from proposals.choices import AnswerKind
from proposals.dashboard import ProposalFigures
from search import service
from tests.proposals.conftest import propose

pytestmark = pytest.mark.django_db


def titles(user, text):
    return [hit.title for hit in service.search(user, text).hits]


def test_members_find_a_proposal_and_its_answer_outsiders_do_not(
    estate_a,
    owner,
    owner_building1,
    outsider,
    forty_heads,
    committee_chair,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(estate_a, owner, title="增设智能快递柜", body="<p>门岗堆满包裹。</p>")
        actions.support_proposal(proposal, forty_heads[0])
        actions.answer_proposal(
            proposal, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="消防通道不足")
        )
    assert "增设智能快递柜" in titles(owner_building1, "包裹")
    assert "增设智能快递柜" in titles(owner_building1, "消防通道")
    assert titles(outsider, "快递柜") == []
    assert titles(AnonymousUser(), "快递柜") == []


def reached(estate, owner, supporter, title):
    proposal = propose(estate, owner, title=title)
    actions.support_proposal(proposal, supporter)
    proposal.refresh_from_db()
    return proposal


def test_the_dashboard_counts_answers_in_time_late_and_overdue(
    estate_a, owner, forty_heads, committee_chair
):
    in_time = reached(estate_a, owner, forty_heads[0], "快递柜")
    late = reached(estate_a, owner, forty_heads[1], "充电桩")
    overdue = reached(estate_a, owner, forty_heads[2], "垃圾分类亭")
    reject = actions.Answer(kind=AnswerKind.REJECT, text="预算不足")
    with time_machine.travel(in_time.answer_due_at):  # exactly at the deadline: in time
        actions.answer_proposal(in_time, committee_chair, reject)
    with time_machine.travel(late.answer_due_at + timedelta(minutes=1)):
        actions.answer_proposal(late, committee_chair, reject)
    with time_machine.travel(overdue.answer_due_at + timedelta(days=1)):
        period = Period.default()
        figures = ProposalFigures().compute([estate_a.pk], period)[estate_a.pk]
        alerts = list(ProposalFigures().alerts([estate_a.pk], period))
        drill = ProposalFigures().drill(estate_a, period, "overdue")
    assert figures["reached"] == 3
    assert (figures["in_time"], figures["late"], figures["overdue"]) == (1, 1, 1)
    assert [a.key for a in alerts] == [f"proposal_answer_overdue:{overdue.pk}"]
    assert [row[0][0] for row in drill.rows] == ["垃圾分类亭"]


def test_a_proposal_not_yet_due_is_neither_late_nor_overdue(estate_a, owner, forty_heads):
    reached(estate_a, owner, forty_heads[0], "快递柜")
    figures = ProposalFigures().compute([estate_a.pk], Period.default())[estate_a.pk]
    assert (figures["reached"], figures["in_time"], figures["late"], figures["overdue"]) == (
        1,
        0,
        0,
        0,
    )
    assert figures["in_time_share"] is None
    assert timezone.now()
