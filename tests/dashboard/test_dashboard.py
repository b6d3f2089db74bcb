"""The officials' dashboard: who sees which estates, exact figures, drill-downs, exports, open data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portal.community.choices import Visibility
from portal.dashboard.figures import share
from portal.dashboard.period import Period
from portal.notices import actions as notice_actions
from portal.notices.metrics import NoticeFigures
from portal.notices.models import NoticeIndexPage
from tests.factories import UnitFactory
from tests.notices.conftest import make_notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_from_midnight")]


@pytest.fixture
def notices_a(estate_a, world_a, property_staff, owner, owner_building1):
    """Two notices in 锦绣花园 this week: one to 3栋 needing acknowledgement, one estate-wide."""
    UnitFactory(building=world_a.building3_unit.building, number="601", floor=6)
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    to_building3 = make_notice(
        index, buildings=("3栋",), publish_by=property_staff, requires_acknowledgement=True
    )
    make_notice(index, title="小区消防演练通知", publish_by=property_staff)
    notice_actions.acknowledge(to_building3, owner)
    return to_building3


def _board(client, user, **params):
    client.force_login(user)
    return client.get(reverse("dashboard:index"), params)


def test_sub_district_official_sees_every_estate_in_the_sub_district(
    client, subdistrict_official, estate_a, estate_b
):
    html = _board(client, subdistrict_official).content.decode()
    assert 'data-estate="jinxiu"' in html and f'data-estate="{estate_b.slug}"' in html


def test_the_board_has_the_admin_link_but_no_floating_page_editor_bar(
    client, subdistrict_official, estate_a
):
    """Wagtail's user bar edits the CMS page being read; the board is not one, so the bar
    would only float over its tables. The header's admin link stays for staff."""
    html = _board(client, subdistrict_official).content.decode()
    assert 'data-testid="admin-link"' in html
    assert "wagtail-userbar" not in html and "has-userbar" not in html


def test_community_official_sees_only_the_estates_of_their_community(
    client, community_official, estate_a, estate_b
):
    html = _board(client, community_official).content.decode()
    assert 'data-estate="jinxiu"' in html
    assert f'data-estate="{estate_b.slug}"' not in html
    # Asking for an estate outside their area is refused, not silently emptied.
    assert _board(client, community_official, estate=estate_b.slug).status_code == 403


def test_committee_chair_sees_their_own_estate_only(client, committee_chair, estate_b):
    html = _board(client, committee_chair).content.decode()
    assert 'data-estate="jinxiu"' in html and f'data-estate="{estate_b.slug}"' not in html


@pytest.mark.parametrize("who", ["owner", "tenant", "property_staff", "outsider"])
def test_people_without_oversight_are_refused(client, request, who):
    assert _board(client, request.getfixturevalue(who)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_acknowledgement_rate_counts_units_in_scope(notices_a, estate_a):
    figures = NoticeFigures().compute([estate_a.pk], Period.default())[estate_a.pk]
    # 3栋 has two units (502 and 601); the owner of 502 acknowledged.
    assert figures == {"published": 2, "needs_ack": 1, "ack_rate": share(1, 2)}


def test_an_estate_with_nothing_to_measure_shows_a_dash_not_zero(
    client, subdistrict_official, estate_b
):
    html = _board(client, subdistrict_official).content.decode()
    row = html.split(f'data-estate="{estate_b.slug}"', 1)[1].split("</tr>", 1)[0]
    assert "—" in row


def test_notices_outside_the_period_are_not_counted(notices_a, estate_a):
    last_year = Period(
        first=timezone.localdate() - timedelta(days=400),
        last=timezone.localdate() - timedelta(days=300),
    )
    assert NoticeFigures().compute([estate_a.pk], last_year)[estate_a.pk]["published"] == 0


def test_drill_down_lists_the_notices_behind_the_rate(client, community_official, notices_a):
    client.force_login(community_official)
    url = reverse("dashboard:drill", args=["jinxiu", "notices", "ack_rate"])
    html = client.get(url).content.decode()
    assert notices_a.title in html and "1 / 2" in html and "50.0%" in html
    assert "小区消防演练通知" not in html  # it needs no acknowledgement


def test_drill_down_into_another_area_is_refused(client, community_official, estate_b):
    client.force_login(community_official)
    url = reverse("dashboard:drill", args=[estate_b.slug, "notices", "ack_rate"])
    assert client.get(url).status_code == 403


def test_a_reversed_date_range_is_explained(client, subdistrict_official, estate_a):
    response = _board(client, subdistrict_official, **{"from": "2026-10-01", "to": "2026-09-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_every_table_exports_as_csv_and_xlsx(client, subdistrict_official, notices_a, estate_b):
    client.force_login(subdistrict_official)
    response = client.get(reverse("dashboard:export", args=["notices", "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["小区", "发布公告", "需回执", "回执率"]
    assert ["锦绣花园", "2", "1", "0.5"] in rows

    response = client.get(reverse("dashboard:export", args=["notices", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["小区", "发布公告", "需回执", "回执率"]
    assert any(
        row[0].value == "锦绣花园" and row[3].value == 0.5 for row in sheet.iter_rows(min_row=2)
    )


def test_export_is_refused_to_people_without_oversight(client, owner):
    client.force_login(owner)
    assert client.get(reverse("dashboard:export", args=["notices", "csv"])).status_code == 403


def test_open_data_gives_aggregates_per_estate_and_nothing_personal(
    client, notices_a, owner, estate_a
):
    response = client.get(reverse("open_data_estates"))
    data = json.loads(response.content)
    jinxiu = next(e for e in data["estates"] if e["slug"] == "jinxiu")
    assert jinxiu["figures"]["notices"] == {"published": 2, "needs_ack": 1, "ack_rate": 0.5}
    body = response.content.decode()
    assert owner.display_name not in body and owner.phone not in body


def test_pages_api_lists_public_pages_only(client, estate_a, property_staff):
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    make_notice(index, title="公开的停车场施工公告", publish_by=property_staff)
    make_notice(
        index,
        title="仅业主可见的维修资金公示",
        publish_by=property_staff,
        visibility=Visibility.OWNERS,
    )
    titles = [p["title"] for p in client.get("/api/v2/pages/?limit=20").json()["items"]]
    assert "公开的停车场施工公告" in titles
    assert "仅业主可见的维修资金公示" not in titles


def test_dashboard_queries_do_not_grow_with_the_number_of_estates(
    client, subdistrict_official, community_a, django_assert_max_num_queries
):
    from tests.factories import make_estate

    client.force_login(subdistrict_official)
    client.get(reverse("dashboard:index"))  # warm caches (site, content types)
    make_estate(name="小区一", slug="e1", community=community_a)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("dashboard:index"))
    for n in range(2, 8):
        make_estate(name=f"小区{n}", slug=f"e{n}", community=community_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dashboard:index"))
    assert response.content.decode().count("data-estate=") >= 7 * 2


class _LateResults:
    """A stand-in figure source with one alert, to test delivery apart from any rule."""

    key = "late"
    title = "迟报"
    columns = ()

    def __init__(self, estate):
        self.estate = estate

    def compute(self, estate_ids, period):
        return {}

    def weekly(self, estate_ids, period):
        return {}

    def alerts(self, estate_ids, period):
        from portal.dashboard.figures import Alert

        if self.estate.pk in estate_ids:
            yield Alert(
                self.estate.pk, "late:1", "锦绣花园：表决结果未在 3 日内公告", "/jinxiu/", "danger"
            )


def test_alerts_reach_the_officials_over_the_estate_once_a_day(
    monkeypatch,
    estate_a,
    community_official,
    subdistrict_official,
    committee_chair,
    committee_chair_b,
    outsider,
    django_capture_on_commit_callbacks,
):
    from portal.dashboard import alerts
    from portal.notifications.models import Notification

    monkeypatch.setattr(alerts, "sources", lambda: (_LateResults(estate_a),))
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_daily_alerts() == 1
    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_daily_alerts()  # a retried task
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {community_official.pk, subdistrict_official.pk, committee_chair.pk}
    assert Notification.objects.count() == 3


def test_alerts_show_on_the_dashboard(client, monkeypatch, subdistrict_official, estate_a):
    from portal.dashboard import board

    monkeypatch.setattr(board, "sources", lambda: (_LateResults(estate_a),))
    html = _board(client, subdistrict_official).content.decode()
    assert "表决结果未在 3 日内公告" in html


def test_the_header_links_to_the_dashboard_only_for_those_who_oversee(
    client, community_official, owner, estate_a
):
    client.force_login(community_official)
    assert 'href="/dashboard/"' in client.get("/jinxiu/").content.decode()
    client.force_login(owner)
    assert 'href="/dashboard/"' not in client.get("/jinxiu/").content.decode()


def test_migrate_creates_the_daily_alerts_schedule_once():
    from django_q.models import Schedule

    from portal.dashboard.alerts import SCHEDULE_FUNC, SCHEDULE_NAME, ensure_schedule

    assert Schedule.objects.filter(name=SCHEDULE_NAME).exists()  # made by migrate itself
    ensure_schedule()
    ensure_schedule()
    (schedule,) = Schedule.objects.filter(name=SCHEDULE_NAME)
    assert schedule.func == SCHEDULE_FUNC and schedule.schedule_type == Schedule.DAILY
