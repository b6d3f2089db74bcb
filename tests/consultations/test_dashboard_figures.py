"""The consultation table of the officials' dashboard: participation and the report deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from consultations import actions
from consultations.metrics import ConsultationFigures
from portal.dashboard.figures import share
from portal.dashboard.period import Period
from tests.consultations.conftest import make_consultation, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(consultation_index, owner, owner_building1, committee_chair):
    page = make_consultation(consultation_index, closes_in=timedelta(hours=1))
    actions.submit_response(page, owner, answers=valid_answers(page), opinions={})
    return page


def around(page) -> Period:
    day = timezone.localtime(page.closes_at).date()
    return Period(first=day - timedelta(days=5), last=day + timedelta(days=40))


def test_participation_is_responses_over_the_audience(answered, estate_a, owner_building1):
    with time_machine.travel(answered.closes_at + timedelta(minutes=1), tick=False):
        row = ConsultationFigures().compute([estate_a.pk], around(answered))[estate_a.pk]
    # Two verified owners (王芳 and 李强); one answered.
    assert row["closed"] == 1 and row["responses"] == 1
    assert row["participation"] == share(1, 2)
    assert row["reported"] == 0 and row["report_overdue"] == 0


def test_an_open_consultation_is_not_measured_yet(answered, estate_a):
    row = ConsultationFigures().compute([estate_a.pk], around(answered))[estate_a.pk]
    assert row["closed"] == 0


def test_no_report_fifteen_days_after_the_close_is_overdue_and_alerts(answered, estate_a):
    with time_machine.travel(answered.closes_at + timedelta(days=15), tick=False):
        assert (
            ConsultationFigures().compute([estate_a.pk], around(answered))[estate_a.pk][
                "report_overdue"
            ]
            == 0
        )
    with time_machine.travel(answered.closes_at + timedelta(days=15, minutes=1), tick=False):
        row = ConsultationFigures().compute([estate_a.pk], around(answered))[estate_a.pk]
        (alert,) = ConsultationFigures().alerts([estate_a.pk], around(answered))
    assert row["report_overdue"] == 1
    assert answered.title in alert.message and alert.notify


def test_a_published_report_counts_and_stops_the_alert(answered, estate_a, committee_chair):
    with time_machine.travel(answered.closes_at + timedelta(days=2), tick=False):
        actions.publish_report(answered, actor=committee_chair)
    with time_machine.travel(answered.closes_at + timedelta(days=30), tick=False):
        row = ConsultationFigures().compute([estate_a.pk], around(answered))[estate_a.pk]
        assert not list(ConsultationFigures().alerts([estate_a.pk], around(answered)))
    assert row["reported"] == 1 and row["report_overdue"] == 0
