"""List pages: filters by status and party, and a fixed number of queries however many items."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from deliberation.oversight import actions
from tests.oversight.conftest import make_item


def _fill(estate, actor, n, *, party="property"):
    for i in range(n):
        make_item(estate, actor, title=f"事项{i:02d}", party=party)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_item_list_runs_the_same_queries_for_3_or_25_items(
    client, estate_a, committee_chair, property_manager, owner, django_assert_max_num_queries
):
    _fill(estate_a, committee_chair, 3)
    for item in estate_a.action_items.all()[:3]:
        actions.post_update(
            item, actor=property_manager, note="开始", progress=10, state="in_progress"
        )
    client.force_login(owner)
    url = reverse("oversight:item_list", args=(estate_a.slug,))
    client.get(url)  # warm the caches of a first request
    few = _queries(client, url)
    _fill(estate_a, property_manager, 22)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(20):  # most are the site's header and estate navigation
        client.get(url + "?status=in_progress&party=property")


def test_the_meeting_list_runs_the_same_queries_for_2_or_12_meetings(
    client, estate_a, community_official, committee_chair
):
    from datetime import timedelta

    from django.utils import timezone

    def convene(i):
        meeting = actions.convene_meeting(
            estate_a,
            actor=community_official,
            title=f"联席会议{i}",
            starts_at=timezone.now() + timedelta(days=i),
            place="会所",
            participants=[committee_chair],
        )
        actions.record_minutes(meeting, actor=community_official, text="纪要")
        actions.add_decision(meeting, actor=community_official, text="决定")
        actions.publish_minutes(meeting, actor=community_official)

    for i in range(2):
        convene(i)
    client.force_login(committee_chair)
    url = reverse("oversight:meeting_list", args=(estate_a.slug,))
    client.get(url)
    few = _queries(client, url)
    for i in range(2, 12):
        convene(i)
    assert _queries(client, url) == few <= 20


def test_filters_by_status_and_party(
    client, estate_a, committee_chair, property_manager, owner, time_machine
):
    time_machine.move_to("2026-11-20 09:00 +08:00", tick=False)
    late = make_item(estate_a, committee_chair, due=date(2026, 11, 22), title="电梯异响排查")
    make_item(
        estate_a, committee_chair, due=date(2026, 12, 30), title="公示维修资金", party="committee"
    )
    done = make_item(estate_a, committee_chair, due=date(2026, 12, 30), title="清理楼道杂物")
    actions.post_update(done, actor=property_manager, note="已清理", progress=100, state="done")
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    client.force_login(owner)
    url = reverse("oversight:item_list", args=(estate_a.slug,))

    def titles(**params):
        html = client.get(url, params).content.decode()
        return {t for t in ("电梯异响排查", "公示维修资金", "清理楼道杂物") if t in html}

    assert titles(status="overdue") == {late.title}
    assert titles(status="done") == {"清理楼道杂物"}
    assert titles(status="not_started") == {"公示维修资金"}
    assert titles(party="committee") == {"公示维修资金"}
    assert titles() == {"电梯异响排查", "公示维修资金", "清理楼道杂物"}
    assert "已逾期" in client.get(url).content.decode()


def test_the_open_filter_lists_unfinished_items_that_are_not_late(
    client, estate_a, committee_chair, property_manager, owner, time_machine
):
    time_machine.move_to("2026-11-20 09:00 +08:00", tick=False)
    make_item(estate_a, committee_chair, due=date(2026, 11, 22), title="电梯异响排查")
    started = make_item(estate_a, committee_chair, due=date(2026, 12, 30), title="楼道照明维修")
    actions.post_update(
        started, actor=property_manager, note="开始", progress=20, state="in_progress"
    )
    make_item(
        estate_a, committee_chair, due=date(2026, 12, 30), title="公示维修资金", party="committee"
    )
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    client.force_login(owner)
    html = client.get(reverse("oversight:item_list", args=(estate_a.slug,)), {"status": "open"})
    text = html.content.decode()
    assert "楼道照明维修" in text and "公示维修资金" in text
    assert "电梯异响排查" not in text
