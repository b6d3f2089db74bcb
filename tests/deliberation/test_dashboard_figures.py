"""Issue-report figures of the officials' dashboard, per estate and per party."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation import actions
from deliberation.dashboard import IssueReportFigures, PropertyResponseFigures
from portal.dashboard.figures import share
from portal.dashboard.period import Period
from tests.deliberation.conftest import report_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_from_midnight")]


def answer(thread, user, at):
    post = actions.add_post(thread, user, body="<p>已安排维修师傅上门查看。</p>", now=at)
    return actions.mark_official(post, user, now=at)


@pytest.fixture
def two_reports(estate_a, owner, owner_building1, property_staff):
    """One report answered after 23 h (on time), one after 25 h (late), both by 物业."""
    start = timezone.now() - timedelta(days=3)
    on_time = report_issue(estate_a, owner, title="3栋屋顶漏水", now=start)
    late = report_issue(estate_a, owner_building1, title="1栋电梯异响", now=start)
    answer(on_time, property_staff, start + timedelta(hours=23))
    answer(late, property_staff, start + timedelta(hours=25))
    actions.mark_resolved(
        on_time, property_staff, note="已疏通三楼雨水管。", now=start + timedelta(hours=30)
    )
    return on_time, late


def test_estate_figures_count_reports_and_the_on_time_share(two_reports, estate_a):
    row = IssueReportFigures().compute([estate_a.pk], Period.default())[estate_a.pk]
    assert row["reports"] == 2
    assert row["answered_on_time"] == share(1, 2)
    assert row["closed_on_time"] == share(1, 2)
    assert row["open"] == 1  # the late one is still in progress


def test_a_response_share_below_the_threshold_alerts(two_reports, estate_a, settings):
    settings.GONGZHI_RESPONSE_ALERT_PERCENT = 80
    (alert,) = IssueReportFigures().alerts([estate_a.pk], Period.default())
    assert "50.0%" in alert.message and "80%" in alert.message
    settings.GONGZHI_RESPONSE_ALERT_PERCENT = 50
    assert not list(IssueReportFigures().alerts([estate_a.pk], Period.default()))


def test_party_figures_give_medians_in_hours(two_reports, estate_a):
    row = PropertyResponseFigures().compute([estate_a.pk], Period.default())[estate_a.pk]
    assert row["reports"] == 2
    assert row["median_response"] == pytest.approx(24.0)
    assert row["median_closure"] == pytest.approx(30.0)
    assert row["satisfaction"] is None


def test_drill_lists_the_party_reports(client, two_reports, community_official):
    from django.urls import reverse

    client.force_login(community_official)
    url = reverse("dashboard:drill", args=["jinxiu", "issues-property", "answered_on_time"])
    html = client.get(url).content.decode()
    assert "3栋屋顶漏水" in html and "1栋电梯异响" in html and "超时" in html
