"""已读回执: who may acknowledge, once, and what staff see."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.community.models import AuditEvent
from portal.notices import actions, scope
from portal.notices.models import Acknowledgement
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


def _rates(notice) -> dict[str, tuple[int, int]]:
    report = scope.acknowledgement_report(notice)
    return {row.building_name: (row.acknowledged, row.total) for row in report.buildings}


def test_acceptance_flow_owner_in_scope_acknowledges_and_rate_changes(
    client, water_notice, owner, owner_building1, property_staff, world_a
):
    # The owner in building 3 sees it on the index as "待确认".
    client.force_login(owner)
    index_html = client.get(water_notice.get_parent().url).content.decode()
    assert water_notice.title in index_html
    assert "待确认" in index_html
    assert _rates(water_notice) == {"3栋": (0, 1)}

    response = client.post(water_notice.url + "acknowledge/", follow=True)
    assert "已确认" in response.content.decode()
    ack = Acknowledgement.objects.get(notice=water_notice, user=owner)
    assert ack.unit == world_a.building3_unit
    assert AuditEvent.objects.filter(action="notice.acknowledged", actor=owner).count() == 1

    # The owner in building 1 is refused and nothing is stored.
    client.force_login(owner_building1)
    response = client.post(water_notice.url + "acknowledge/", follow=True)
    assert "不在通知范围内" in response.content.decode()
    assert not Acknowledgement.objects.filter(user=owner_building1).exists()
    page_html = client.get(water_notice.url).content.decode()
    assert "不在本公告的通知范围内" in page_html

    # Staff see the rate change.
    assert _rates(water_notice) == {"3栋": (1, 1)}
    client.force_login(property_staff)
    report_html = client.get(water_notice.url + "acknowledgements/").content.decode()
    assert "已确认 1 / 1 户（100.0%）" in report_html


def test_second_acknowledgement_is_idempotent(water_notice, owner):
    first = actions.acknowledge(water_notice, owner)
    second = actions.acknowledge(water_notice, owner)
    assert first.pk == second.pk
    assert Acknowledgement.objects.count() == 1


def test_owner_outside_scope_is_refused(water_notice, owner_building1):
    with pytest.raises(ValidationError, match="不在通知范围内"):
        actions.acknowledge(water_notice, owner_building1)
    assert Acknowledgement.objects.count() == 0


def test_member_of_another_estate_is_refused(water_notice, outsider):
    with pytest.raises(ValidationError, match="只有本小区的业主和住户"):
        actions.acknowledge(water_notice, outsider)
    assert Acknowledgement.objects.count() == 0


def test_staff_without_a_unit_are_not_in_scope(water_notice, property_staff, committee_chair):
    for user in (property_staff, committee_chair):
        with pytest.raises(ValidationError, match="不在通知范围内"):
            actions.acknowledge(water_notice, user)


def test_notice_not_requiring_acknowledgement_is_refused(notice_index, owner):
    notice = make_notice(notice_index, requires_acknowledgement=False)
    with pytest.raises(ValidationError, match="不需要确认"):
        actions.acknowledge(notice, owner)


def test_expired_notice_is_refused(notice_index, owner):
    notice = make_notice(
        notice_index,
        requires_acknowledgement=True,
        min_display_days=3,
        effective_from=timezone.now() - timedelta(hours=2),
        effective_until=timezone.now() + timedelta(days=1),
    )
    # Effective window over and 公示期 over: expired.
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert notice.time_state() == "expired"
        with pytest.raises(ValidationError, match="已过期"):
            actions.acknowledge(notice, owner)
    assert Acknowledgement.objects.count() == 0


def test_notice_stays_acknowledgeable_through_its_display_period(notice_index, owner):
    notice = make_notice(
        notice_index,
        requires_acknowledgement=True,
        min_display_days=7,
        effective_from=timezone.now() - timedelta(hours=2),
        effective_until=timezone.now() - timedelta(hours=1),
    )
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert notice.time_state() == "current"
        actions.acknowledge(notice, owner)


def test_unit_counts_once_when_the_tenant_acknowledges(water_notice, owner, tenant):
    actions.acknowledge(water_notice, tenant)
    assert _rates(water_notice) == {"3栋": (1, 1)}
    actions.acknowledge(water_notice, owner)
    assert _rates(water_notice) == {"3栋": (1, 1)}
    assert scope.acknowledgement_report(water_notice).pending == []


def test_whole_estate_notice_counts_every_building(notice_index, owner, world_a):
    notice = make_notice(notice_index, requires_acknowledgement=True)
    actions.acknowledge(notice, owner)
    report = scope.acknowledgement_report(notice)
    assert _rates(notice) == {"1栋": (0, 1), "3栋": (1, 1)}
    assert (report.overall.acknowledged, report.overall.total) == (1, 2)
    assert [u.pk for u in report.pending] == [world_a.building1_unit.pk]


def test_csv_export_has_bom_and_one_row_per_unit(client, water_notice, owner, property_manager):
    actions.acknowledge(water_notice, owner)
    client.force_login(property_manager)
    response = client.get(water_notice.url + "acknowledgements/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["楼栋", "房号", "状态", "确认人", "确认时间"]
    assert rows[1][:3] == ["3栋", "502", "已阅"]
    assert rows[1][3] == "王*"
    assert len(rows) == 2


@pytest.mark.parametrize("name", ["owner", "tenant", "moderator", "outsider"])
def test_only_editors_see_the_report(request, client, water_notice, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(water_notice.url + "acknowledgements/").status_code == 403
    assert client.get(water_notice.url + "acknowledgements/csv/").status_code == 403


def test_anonymous_reader_is_sent_to_login_for_the_report(client, water_notice):
    response = client.get(water_notice.url + "acknowledgements/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_acknowledge_requires_post(client, water_notice, owner):
    client.force_login(owner)
    assert client.get(water_notice.url + "acknowledge/").status_code == 405
    assert Acknowledgement.objects.count() == 0


def test_csv_export_neutralises_a_building_name_shaped_like_a_formula(
    client, water_notice, world_a, property_manager
):
    # A register imported before the import refused such names still holds them.
    world_a.building3_unit.building.name = "=1+1"
    world_a.building3_unit.building.save(update_fields=["name"])
    client.force_login(property_manager)
    raw = client.get(water_notice.url + "acknowledgements/csv/").content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert ["'=1+1", "502"] in [row[:2] for row in rows]
