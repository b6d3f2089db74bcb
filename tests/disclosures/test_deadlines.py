"""Deadlines: a period's disclosure is due 30 days (configurable) after it ends; the dashboard
shows on time / late / missing per estate, the open-data API carries it, missing ones alert,
and a maintenance-fund use with no assembly decision is flagged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from disclosures import actions, deadlines
from disclosures.choices import ReviewDecision, Timeliness
from disclosures.dashboard import DisclosureFigures
from disclosures.models import DisclosureSchedule
from portal.dashboard.period import Period
from tests.disclosures.helpers import GOOD, workbook

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_on_the_due_day_is_on_time_and_the_day_after_is_late():
    due = date(2026, 10, 30)
    assert deadlines.due_date(date(2026, 9, 30), 30) == due
    at = datetime(2026, 10, 30, 23, 59, tzinfo=SHANGHAI)
    assert deadlines.timeliness(due, at, date(2026, 11, 5)) == Timeliness.ON_TIME
    assert (
        deadlines.timeliness(due, at + timedelta(minutes=2), date(2026, 11, 5)) == Timeliness.LATE
    )
    assert deadlines.timeliness(due, None, due) == Timeliness.NOT_DUE
    assert deadlines.timeliness(due, None, due + timedelta(days=1)) == Timeliness.MISSING


def test_periods_follow_the_schedule():
    rules = deadlines.Rules(period_months=3, due_days=30, first_period_start=date(2025, 10, 1))
    periods = deadlines.expected_periods(rules, until=date(2026, 5, 1))
    assert [(p.start, p.end) for p in periods] == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
    ]
    assert periods[0].label == "2025年第4季度"


def _publish(disclosure, manager, chair, at):
    with time_machine.travel(at):
        actions.submit_for_review(disclosure, manager)
        for line in disclosure.lines.all():
            actions.review_line(line, chair, decision=ReviewDecision.CONFIRMED)
        actions.publish(disclosure, chair)


def test_the_dashboard_shows_on_time_for_one_estate_and_missing_for_the_other(
    estate_a, estate_b, property_manager, committee_chair
):
    draft = actions.import_disclosure(
        estate_a, property_manager, workbook("2026-07-01", "2026-09-30")
    )
    _publish(draft, property_manager, committee_chair, datetime(2026, 10, 20, 10, tzinfo=SHANGHAI))
    DisclosureSchedule.objects.create(estate=estate_b, first_period_start=date(2026, 7, 1))
    period = Period(first=date(2026, 10, 1), last=date(2026, 11, 15))
    with time_machine.travel(datetime(2026, 11, 15, 9, tzinfo=SHANGHAI)):
        figures = DisclosureFigures().compute([estate_a.pk, estate_b.pk], period)
        alerts = list(DisclosureFigures().alerts([estate_a.pk, estate_b.pk], period))
    assert (
        figures[estate_a.pk]["latest_status"] == "按时公开" and figures[estate_a.pk]["on_time"] == 1
    )
    assert (
        figures[estate_b.pk]["latest_status"] == "逾期未公开"
        and figures[estate_b.pk]["missing"] == 1
    )
    assert [a.estate_id for a in alerts] == [estate_b.pk]


def test_a_disclosure_published_after_its_due_day_is_late(
    estate_a, property_manager, committee_chair
):
    draft = actions.import_disclosure(
        estate_a, property_manager, workbook("2026-07-01", "2026-09-30")
    )
    _publish(draft, property_manager, committee_chair, datetime(2026, 11, 2, 10, tzinfo=SHANGHAI))
    with time_machine.travel(datetime(2026, 11, 15, 9, tzinfo=SHANGHAI)):
        figures = DisclosureFigures().compute(
            [estate_a.pk], Period(first=date(2026, 10, 1), last=date(2026, 11, 15))
        )
    assert figures[estate_a.pk]["latest_status"] == "逾期公开" and figures[estate_a.pk]["late"] == 1


def test_a_fund_use_without_an_assembly_decision_is_flagged(
    client, estate_a, property_manager, committee_chair
):
    rows = [r[:] for r in GOOD["专项维修资金"]]
    rows[2][3] = ""
    draft = actions.import_disclosure(
        estate_a, property_manager, workbook(**{"专项维修资金": rows})
    )
    assert actions.problems_of(draft).warnings  # a warning: the import is not refused
    _publish(draft, property_manager, committee_chair, datetime(2026, 10, 10, 10, tzinfo=SHANGHAI))
    with time_machine.travel(datetime(2026, 11, 15, 9, tzinfo=SHANGHAI)):
        figures = DisclosureFigures().compute(
            [estate_a.pk], Period(first=date(2026, 9, 1), last=date(2026, 11, 15))
        )
    assert figures[estate_a.pk]["fund_uses_without_decision"] == 1
    client.force_login(committee_chair)
    page = client.get(f"/disclosures/{estate_a.slug}/{draft.pk}/").content.decode()
    assert "未写明批准这笔使用的业主大会决定" in page


def test_the_open_data_api_carries_the_disclosure_status(
    client, estate_a, estate_b, property_manager, committee_chair
):
    draft = actions.import_disclosure(
        estate_a, property_manager, workbook("2026-07-01", "2026-09-30")
    )
    _publish(draft, property_manager, committee_chair, datetime(2026, 10, 20, 10, tzinfo=SHANGHAI))
    DisclosureSchedule.objects.create(estate=estate_b, first_period_start=date(2026, 7, 1))
    with time_machine.travel(datetime(2026, 11, 15, 9, tzinfo=SHANGHAI)):
        data = client.get("/api/open/estates.json?from=2026-10-01&to=2026-11-15").json()
    by_slug = {e["slug"]: e["figures"]["disclosures"] for e in data["estates"]}
    assert by_slug[estate_a.slug]["latest_status"] == "按时公开"
    assert by_slug[estate_b.slug]["latest_status"] == "逾期未公开"


def test_reminders_go_to_the_company_before_and_after_the_due_day(
    estate_a, property_manager, django_capture_on_commit_callbacks
):
    from disclosures.tasks import send_reminders
    from portal.notifications.models import Notification

    def received() -> int:
        return Notification.objects.filter(
            user=property_manager, batch__dedupe_key__startswith="disclosures:reminder"
        ).count()

    DisclosureSchedule.objects.create(estate=estate_a, first_period_start=date(2026, 7, 1))
    assert send_reminders(today=date(2026, 10, 22)) == 0  # nothing on an ordinary day
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=date(2026, 10, 23)) == 1  # 7 days before 2026-10-30
        send_reminders(today=date(2026, 10, 23))  # a retried task
    assert received() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=date(2026, 10, 31)) == 1  # the day after: overdue
    assert received() == 2


def test_a_disclosure_published_before_its_due_day_counts_in_the_range_it_was_published_in(
    estate_a, property_manager, committee_chair
):
    draft = actions.import_disclosure(
        estate_a, property_manager, workbook("2026-07-01", "2026-09-30")
    )
    _publish(draft, property_manager, committee_chair, datetime(2026, 10, 12, 10, tzinfo=SHANGHAI))
    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=SHANGHAI)):
        figures = DisclosureFigures().compute(
            [estate_a.pk], Period(first=date(2026, 9, 21), last=date(2026, 10, 20))
        )
    assert (
        figures[estate_a.pk]["on_time"] == 1 and figures[estate_a.pk]["latest_status"] == "按时公开"
    )
