"""The assembly figures the officials' dashboard shows: turnout, outcomes, and late results."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from portal.dashboard.figures import share
from portal.dashboard.period import Period
from tests.voting.conftest import full_choices, open_assembly, right_of
from voting import actions
from voting.metrics import AssemblyFigures
from voting.models import AssemblyPage, VotingRight

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(estate_a, register, committee_chair, owner, owner_building1) -> AssemblyPage:
    assembly = open_assembly(estate_a, committee_chair)
    for user in (owner, owner_building1):
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel="online",
            cast_by=user,
        )
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    return AssemblyPage.objects.get(pk=assembly.pk)


def period_around(moment) -> Period:
    day = timezone.localtime(moment).date()
    return Period(first=day - timedelta(days=10), last=day + timedelta(days=10))


def test_turnout_is_the_share_of_the_frozen_roll_that_voted(
    closed, owner, owner_building1, estate_a
):
    rights = VotingRight.objects.filter(assembly=closed)
    voted = rights.filter(pk__in=[right_of(u, closed).pk for u in (owner, owner_building1)])
    figures = AssemblyFigures().compute([estate_a.pk], period_around(closed.voting_closes_at))
    assert figures[estate_a.pk]["closed"] == 1
    assert figures[estate_a.pk]["turnout_heads"] == share(2, rights.count())
    assert figures[estate_a.pk]["turnout_area"] == share(
        voted.aggregate(a=Sum("area"))["a"], rights.aggregate(a=Sum("area"))["a"]
    )


def test_an_uncertified_result_past_the_deadline_is_late_and_alerts(closed, estate_a):
    period = period_around(closed.voting_closes_at)
    with time_machine.travel(closed.closed_at + timedelta(days=2), tick=False):
        assert AssemblyFigures().compute([estate_a.pk], period)[estate_a.pk]["results_late"] == 0
        assert not list(AssemblyFigures().alerts([estate_a.pk], period))
    with time_machine.travel(closed.closed_at + timedelta(days=3, minutes=1), tick=False):
        assert AssemblyFigures().compute([estate_a.pk], period)[estate_a.pk]["results_late"] == 1
        (alert,) = AssemblyFigures().alerts([estate_a.pk], period)
    assert alert.severity == "danger" and closed.title in alert.message


def test_a_result_certified_in_time_counts_outcomes_and_is_not_late(
    closed, committee_chair, estate_a
):
    actions.certify_result(closed, actor=committee_chair)
    figures = AssemblyFigures().compute([estate_a.pk], period_around(closed.voting_closes_at))
    row = figures[estate_a.pk]
    assert row["results_late"] == 0
    assert row["motions_total"] == closed.motions.count()
    assert 0 <= row["motions_passed"] <= row["motions_total"]


def test_a_result_certified_late_stays_counted_as_late(closed, committee_chair, estate_a):
    late = closed.closed_at + timedelta(days=4)
    with time_machine.travel(late, tick=False):
        actions.certify_result(closed, actor=committee_chair, now=late)
        figures = AssemblyFigures().compute([estate_a.pk], period_around(closed.voting_closes_at))
        assert not list(AssemblyFigures().alerts([estate_a.pk], period_around(late)))
    assert figures[estate_a.pk]["results_late"] == 1


def test_open_assemblies_show_no_figures(estate_a, register, committee_chair):
    assembly = open_assembly(estate_a, committee_chair)
    figures = AssemblyFigures().compute([estate_a.pk], period_around(assembly.voting_closes_at))
    assert figures[estate_a.pk] == {
        "closed": 0,
        "turnout_area": None,
        "turnout_heads": None,
        "motions_passed": 0,
        "motions_total": 0,
        "results_late": 0,
    }


def test_an_assembly_with_a_long_title_is_announced_closed_and_certified(
    estate_a, register, committee_chair, owner, notifications
):
    """A page title may hold 255 characters, a notification title fewer: every notice of the
    meeting (opening, closing, result) still reaches the members, its title cut to fit."""
    from portal.notifications.limits import TITLE_MAX
    from voting.actions import certify_result

    title = "关于续聘物业服务企业、调整停车管理规则及使用专项维修资金更换电梯的" * 4
    assert len(title) > 120
    assembly = open_assembly(estate_a, committee_chair, title=title)
    actions.cast_ballot(
        assembly, right_of(owner, assembly), full_choices(assembly), channel="online", cast_by=owner
    )
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    certify_result(AssemblyPage.objects.get(pk=assembly.pk), actor=committee_chair)
    titles = [sent["title"] for sent in notifications.sent]
    assert any(t.startswith("决议公告：关于续聘") for t in titles), titles
    assert all(len(t) <= TITLE_MAX for t in titles)
