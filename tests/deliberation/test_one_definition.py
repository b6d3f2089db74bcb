"""One definition of each issue-report figure: the discussion page (近 90 天), the officials'
dashboard, its alert, its drill-down, escalation and the open-data API, asked about the same
estate and the same dates, give the same numbers.

A realistic spread of 锦绣花园's reports, seen on 2026-06-15 at 10:00 Beijing time (the
default period is 2026-03-18 … 2026-06-15, both days included):

  # | made          | party now | what happened                         | response | closure
  1 | 06-01 09:00   | 物业      | answered +3 h, resolved +20 h, rated 5 | on time  | on time
  2 | 06-02 09:00   | 物业      | answered +30 h, resolved +60 h, rated 2| late     | late
  3 | 06-10 09:00   | 物业      | nothing                               | missed   | missed
  4 | 06-15 08:00   | 物业      | nothing yet                           | waiting  | waiting
  5 | 06-05 09:00   | 业委会     | reassigned +2 h; answered +5 h, resolved +30 h | on time | on time
  6 | 06-08 09:00   | 物业      | answered +10 h                        | on time  | missed
  7 | 05-20 09:00   | 物业      | answered +1 h, resolved +5 h, reopened +40 h | on time | missed
  8 | 03-18 00:10   | 物业      | answered +2 h (first day of the period) | on time | missed
  9 | 03-17 23:30   | 物业      | before the period: not counted         |          |
 10 | 06-12 09:00   | 业委会     | a suggestion nobody answered          | missed   | missed
 11 | 06-03 09:00   | 物业      | held for review (sensitive word): not counted

Overdue now: 3, 6, 7, 8, 10 (open and a deadline missed). Report 2 was answered late and is
resolved: answered late, not overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from deliberation import actions
from deliberation.choices import IssueCategory
from deliberation.models import Escalation, SensitiveWord, Thread
from portal.community.choices import Party
from portal.dashboard.period import Period
from tests.deliberation.conftest import report_issue

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=BEIJING)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def answer(thread, user, when):
    post = actions.add_post(thread, user, body="<p>已安排维修师傅上门查看。</p>", now=when)
    actions.mark_official(post, user, now=when)


@pytest.fixture
def spread(settings, estate_a, estate_b, owner, outsider, property_staff, committee_chair):
    settings.DELIBERATION_POST_RATE_LIMIT = (1000, 600)
    settings.GONGZHI_RESPONSE_ALERT_PERCENT = 80
    h = timedelta(hours=1)
    made = {}

    def report(n, when, **kwargs):
        with time_machine.travel(when, tick=False):
            made[n] = report_issue(
                estate_a, owner, title=f"问题{n}：3栋楼道灯不亮", now=when, **kwargs
            )
        return made[n]

    one = report(1, at(6, 1, 9))
    answer(one, property_staff, at(6, 1, 9) + 3 * h)
    actions.mark_resolved(
        one, property_staff, note="已安排维修并处理完毕。", now=at(6, 1, 9) + 20 * h
    )
    actions.rate(one, owner, score=5, now=at(6, 2, 9))

    two = report(2, at(6, 2, 9))
    answer(two, property_staff, at(6, 2, 9) + 30 * h)
    actions.mark_resolved(
        two, property_staff, note="已安排维修并处理完毕。", now=at(6, 2, 9) + 60 * h
    )
    actions.rate(two, owner, score=2, comment="太慢", now=at(6, 5, 9))

    report(3, at(6, 10, 9))
    report(4, at(6, 15, 8))

    five = report(5, at(6, 5, 9))
    actions.assign(
        five,
        property_staff,
        party=Party.COMMITTEE,
        reason="公共区域改造，归业委会",
        now=at(6, 5, 11),
    )
    answer(five, committee_chair, at(6, 5, 14))
    actions.mark_resolved(five, committee_chair, note="已安排维修并处理完毕。", now=at(6, 6, 15))

    six = report(6, at(6, 8, 9))
    answer(six, property_staff, at(6, 8, 19))

    seven = report(7, at(5, 20, 9))
    answer(seven, property_staff, at(5, 20, 10))
    actions.mark_resolved(seven, property_staff, note="已安排维修并处理完毕。", now=at(5, 20, 14))
    actions.reopen(seven, owner, reason="灯又坏了", now=at(5, 22, 1))

    eight = report(8, at(3, 18, 0, 10))
    answer(eight, property_staff, at(3, 18, 2, 10))

    report(9, at(3, 17, 23, 30))
    report(10, at(6, 12, 9), category=IssueCategory.SUGGESTION)

    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    held = report(11, at(6, 3, 9), body="<p>有人在群里代开发票</p>")
    assert held.is_held

    with time_machine.travel(at(6, 1, 9), tick=False):
        report_issue(estate_b, outsider, title="翠湖苑电梯停运", now=at(6, 1, 9))
    return made


def cells(soup, row) -> list[str]:
    return [td.get_text(" ", strip=True) for td in row.find_all("td")]


def discussion_page(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("deliberation:thread_list", args=["jinxiu"]))
    return BeautifulSoup(response.content, "html.parser")


def dashboard_page(client, user, period):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("dashboard:index") + f"?estate=jinxiu&{period.query()}")
    return BeautifulSoup(response.content, "html.parser")


def open_data(client, period) -> dict:
    client.logout()
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("open_data_estates") + f"?{period.query()}")
    (estate,) = [e for e in response.json()["estates"] if e["slug"] == "jinxiu"]
    return estate["figures"]


def dashboard_row(soup, key: str) -> list[str]:
    section = soup.find("section", attrs={"aria-labelledby": f"table-{key}"})
    return cells(soup, section.find("tr", attrs={"data-estate": "jinxiu"}))


def test_the_discussion_page_the_dashboard_and_the_api_agree(client, spread, community_official):
    with time_machine.travel(NOW, tick=False):
        period = Period.default()
    assert (period.first.isoformat(), period.last.isoformat()) == ("2026-03-18", "2026-06-15")

    page = discussion_page(client, community_official)
    rows = {
        row.th.get_text(strip=True): cells(page, row)
        for row in page.select("table.dlb-figures-table tbody tr")
    }
    board = dashboard_page(client, community_official, period)
    api = open_data(client, period)

    # 物业: 7 reports (1, 2, 3, 4, 6, 7, 8); answered on time 4 of the 6 due (4 is not yet
    # due); resolved on time 1 of 6; median response of 1, 2, 3, 10, 30 h = 3 h; closure
    # of 20 and 60 h = 40 h; ratings 5 and 2.
    expected_property = ["7", "66.7%", "16.7%", "3.0 小时", "40.0 小时", "3.50 / 5 (2)"]
    assert rows["物业服务企业"] == expected_property
    assert dashboard_row(board, "issues-property") == [*expected_property[:5], "3.50"]
    assert api["issues-property"] == {
        "reports": 7,
        "answered_on_time": 0.6667,
        "closed_on_time": 0.1667,
        "median_response": 3.0,
        "median_closure": 40.0,
        "satisfaction": 3.5,
    }

    # 业委会: the reassigned report 5 (on time both ways) and the unanswered suggestion 10.
    expected_committee = ["2", "50.0%", "50.0%", "5.0 小时", "30.0 小时", "—"]
    assert rows["业主委员会"] == expected_committee
    assert dashboard_row(board, "issues-committee") == expected_committee
    assert api["issues-committee"]["reports"] == 2
    assert api["issues-committee"]["answered_on_time"] == 0.5

    # The estate: 9 reports, 6 open, 5 overdue; on time 5 of 8 due, resolved on time 2 of 8.
    assert dashboard_row(board, "issues") == ["9", "6", "5", "62.5%", "25.0%"]
    assert api["issues"] == {
        "reports": 9,
        "open": 6,
        "overdue": 5,
        "answered_on_time": 0.625,
        "closed_on_time": 0.25,
    }
    alerts = " ".join(li.get_text() for li in board.select(".dashboard-alerts li"))
    assert "锦绣花园：问题反映 24 小时内响应率 62.5%，低于 80%。" in alerts


def test_every_page_and_escalation_name_the_same_overdue_reports(
    client, spread, estate_a, community_official
):
    # Overdue now in 锦绣花园, whenever made: report 9 too (made the day before the period).
    overdue_now = {spread[n].title for n in (3, 6, 7, 8, 9, 10)}
    in_period = overdue_now - {spread[9].title}
    with time_machine.travel(NOW, tick=False):
        period = Period.default()
        actions.escalate_overdue(now=NOW)
    escalated = set(
        Escalation.objects.filter(thread__estate=estate_a, created_at=NOW).values_list(
            "thread__title", flat=True
        )
    )
    assert escalated == overdue_now

    page = discussion_page(client, community_official)
    badged = {
        item.select_one(".dlb-thread-title").get_text(strip=True)
        for item in page.select("li.dlb-thread")
        if "已逾期" in item.select_one(".notice-badges").get_text()
    }
    assert badged == overdue_now

    client.force_login(community_official)
    with time_machine.travel(NOW, tick=False):
        drill = client.get(
            reverse("dashboard:drill", args=["jinxiu", "issues", "overdue"]) + f"?{period.query()}"
        )
    soup = BeautifulSoup(drill.content, "html.parser")
    listed = {a.get_text(strip=True) for a in soup.select("table tbody tr td:first-child a")}
    assert listed == in_period

    mine = Thread.objects.filter(estate=estate_a)
    assert set(mine.overdue(NOW).values_list("title", flat=True)) == overdue_now
    assert {t.title for t in mine.counted_reports() if t.is_overdue(NOW)} == overdue_now


def test_a_report_answered_late_is_answered_late_not_overdue(spread):
    late = Thread.objects.get(pk=spread[2].pk)
    assert late.response_status(NOW) == "late"
    assert not late.is_overdue(NOW)
    assert not Thread.objects.overdue(NOW).filter(pk=late.pk).exists()
