"""Per-party figures on known data: shares within the deadlines, medians, satisfaction."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
import time_machine
from django.utils import timezone

from deliberation import actions, metrics
from portal.community.choices import Party
from portal.dashboard.period import Period
from tests.deliberation.conftest import report_issue

pytestmark = pytest.mark.django_db

T0 = timezone.datetime(2026, 4, 1, 8, 0, tzinfo=timezone.get_current_timezone())


def at(hours: float):
    return time_machine.travel(T0 + timedelta(hours=hours), tick=False)


@pytest.fixture
def known_reports(settings, estate_a, estate_b, owner, outsider, property_staff, committee_chair_b):
    """Three property reports, one committee report in A; one in B; one outside the range.

    property A: answered +2 h, resolved +10 h, rated 5
    property B: answered +30 h (late), resolved +50 h (late), rated 2
    property C: answered at exactly +24 h (on time), unresolved
    committee:  a suggestion nobody has answered
    """
    settings.DELIBERATION_POST_RATE_LIMIT = (100, 600)
    reports = {}
    with at(0):
        for name in "ABC":
            reports[name] = report_issue(estate_a, owner, title=f"报修 {name}")
        reports["S"] = report_issue(estate_a, owner, title="建议", category="suggestion")
        report_issue(estate_b, outsider, title="翠湖苑报修")
    with at(-24 * 40):
        report_issue(estate_a, owner, title="很久以前")
    for name, answered, resolved in (("A", 2, 10), ("B", 30, 50), ("C", 24, None)):
        with at(answered):
            actions.add_post(reports[name], property_staff, body="已处理", official=True)
        if resolved is not None:
            with at(resolved):
                actions.mark_resolved(
                    reports[name], property_staff, note="已更换漏水的屋面防水卷材。"
                )
    with at(60):
        actions.rate(reports["A"], owner, score=5)
        actions.rate(reports["B"], owner, score=2, comment="太慢")
    return reports


WEEK = Period(first=T0.date() - timedelta(days=1), last=T0.date() + timedelta(days=7))


def figures_for(*estates, now=T0 + timedelta(days=7)):
    """Return {party: figures} over the estates for the week around T0, as of `now`."""
    merged: dict[str, metrics.PartyFigures] = {}
    for figures in metrics.report_figures([e.pk for e in estates], WEEK, now=now).values():
        for party in figures.by_party():
            merged.setdefault(party.party, metrics.PartyFigures(party=party.party)).add(party)
    return merged


def test_property_figures_on_known_data(known_reports, estate_a):
    prop = figures_for(estate_a)[Party.PROPERTY]
    assert (prop.reports, prop.answered, prop.answered_on_time) == (3, 3, 2)
    assert prop.answered_on_time_share == Fraction(2, 3)
    assert (prop.resolved, prop.resolved_on_time) == (2, 1)
    assert prop.closed_on_time_share == Fraction(1, 3)  # C is unresolved and past due
    assert prop.median_response == timedelta(hours=24)  # of 2, 24, 30
    assert prop.median_closure == timedelta(hours=30)  # mean of the middle two: 10 and 50
    assert (prop.satisfaction, prop.ratings) == (Fraction(7, 2), 2)


def test_a_party_with_no_answers_has_zero_shares_and_no_medians(known_reports, estate_a):
    committee = figures_for(estate_a)[Party.COMMITTEE]
    assert committee.reports == 1 and committee.answered_on_time_share == 0
    assert committee.median_response is None and committee.satisfaction is None


def test_a_report_not_yet_due_counts_neither_way(known_reports, estate_a):
    committee = figures_for(estate_a, now=T0 + timedelta(hours=1))[Party.COMMITTEE]
    assert committee.reports == 1 and committee.answered_on_time_share is None


def test_figures_cover_only_the_estates_and_dates_asked(known_reports, estate_a, estate_b):
    both = figures_for(estate_a, estate_b)
    assert both[Party.PROPERTY].reports == 4
    only_b = figures_for(estate_b)
    assert only_b[Party.PROPERTY].reports == 1 and Party.COMMITTEE not in only_b


def test_a_reopened_report_no_longer_counts_as_closed_on_time(known_reports, estate_a, owner):
    actions.reopen(known_reports["A"], owner)
    prop = figures_for(estate_a)[Party.PROPERTY]
    assert prop.resolved_on_time == 0


def test_the_figures_take_two_queries_for_any_number_of_estates(
    known_reports, estate_a, estate_b, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        metrics.report_figures([estate_a.pk, estate_b.pk], WEEK)


def test_the_estates_discussion_page_shows_the_figures(client, known_reports, owner):
    client.force_login(owner)
    with at(24 * 3):
        html = client.get("/discuss/jinxiu/").content.decode()
    # The last 90 days include the report of 40 days ago (unanswered): 2 of 4 on time.
    assert "物业服务企业" in html and "50.0%" in html and "3.50 / 5" in html
