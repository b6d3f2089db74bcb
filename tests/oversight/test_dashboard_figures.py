"""The action item and joint meeting table of the officials' dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.oversight import actions
from deliberation.oversight.dashboard import OversightFigures
from deliberation.oversight.models import ActionItem
from portal.community.choices import Party
from portal.dashboard.period import Period

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_from_midnight")]


@pytest.fixture
def items(estate_a, committee_chair):
    today = timezone.localdate()

    def item(title, due, **kw):
        return ActionItem.objects.create(
            estate=estate_a,
            title=title,
            responsible_party=Party.PROPERTY,
            due_date=due,
            created_by=committee_chair,
            **kw,
        )

    return {
        "late": item("3栋屋顶防水维修", today - timedelta(days=9)),
        "due_today": item("地下车库照明更换", today),
        "done": item(
            "小区东门道闸维修",
            today - timedelta(days=20),
            state="done",
            progress=100,
            completed_at=timezone.now(),
        ),
    }


def test_figures_count_items_by_where_they_stand_today(items, estate_a):
    row = OversightFigures().compute([estate_a.pk], Period.default())[estate_a.pk]
    assert row == {
        "opened": 3,
        "done": 1,
        "open": 1,
        "overdue": 1,
        "extended": 0,
        "meetings": 0,
    }


def test_an_item_extended_twice_counts_once_and_a_shortened_one_not_at_all(
    items, estate_a, committee_chair
):
    today = timezone.localdate()
    due_today = items["due_today"]
    for days in (7, 14):  # two extensions of the same item
        actions.adjust_action_item(
            due_today,
            actor=committee_chair,
            reason="施工队排期顺延",
            due_date=today + timedelta(days),
        )
    late = items["late"]
    actions.adjust_action_item(
        late, actor=committee_chair, reason="改由业委会牵头", responsible_party=Party.COMMITTEE
    )

    row = OversightFigures().compute([estate_a.pk], Period.default())[estate_a.pk]

    assert row["extended"] == 1
    assert row["opened"] == 3  # the join to the changes does not count an item twice
    drill = OversightFigures().drill(estate_a, Period.default(), "extended")
    assert [cells[0][0] for cells in drill.rows] == ["地下车库照明更换"]


def test_overdue_alerts_show_every_late_item_but_leave_sending_to_oversight(items, estate_a):
    (alert,) = OversightFigures().alerts([estate_a.pk], Period.default())
    assert "3栋屋顶防水维修" in alert.message and "已逾期 9 天" in alert.message
    assert alert.severity == "danger" and alert.notify is False


def test_drill_into_overdue_lists_the_late_item_with_its_page(client, items, community_official):
    client.force_login(community_official)
    html = client.get(
        reverse("dashboard:drill", args=["jinxiu", "oversight", "overdue"])
    ).content.decode()
    assert "3栋屋顶防水维修" in html and "地下车库照明更换" not in html
    assert reverse("oversight:item_detail", args=["jinxiu", items["late"].pk]) in html
