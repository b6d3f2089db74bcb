"""The roll is published before it freezes: own entries, aggregates, objections and decisions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.community.models import AuditEvent, Unit
from portal.community.models.audit import AppendOnlyError
from tests.voting.conftest import inform_residents_committee, make_assembly, png_scan
from voting import actions, objections
from voting.models import RollObjection, VotingRightUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(estate_a, register, committee_chair):
    """An assembly announced 20 days ago whose voting may open now, once objections allow."""
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=10)
    )
    actions.announce_assembly(page, actor=committee_chair, now=now - timedelta(days=20))
    inform_residents_committee(page, committee_chair, at=now - timedelta(days=20))
    return page.__class__.objects.get(pk=page.pk)


def object_to_area(assembly, owner, unit, area="118.30"):
    return objections.file_objection(
        assembly,
        actor=owner,
        kind="area",
        unit=unit,
        claimed_area=Decimal(area),
        explanation="不动产权证书记载的专有部分面积为 118.30 ㎡。",
        evidence=png_scan("certificate.png"),
    )


def test_an_owner_sees_their_own_head_with_its_units_and_summed_area(announced, register):
    entries = objections.own_entries(register.multi_owner, announced)
    assert len(entries) == 1
    assert entries[0].area == Decimal("270.00")
    assert [number for _b, number, _a, _u in entries[0].units] == ["101", "201", "301"]


def test_the_aggregate_per_building_counts_units_area_and_heads(announced):
    summary = objections.summary(announced)
    rows = {row.building: row for row in summary.buildings}
    assert (rows["5栋"].units, rows["5栋"].area, rows["5栋"].heads) == (3, Decimal("270.00"), 1)
    assert rows["7栋"].heads == 3  # the developer (two units), 周建华, the unregistered flat
    assert (summary.total_heads, summary.total_area) == (6, Decimal("889.60"))
    assert not summary.frozen


def test_objection_decided_corrects_the_register_and_the_frozen_roll(
    announced, world_a, owner, committee_chair
):
    unit = world_a.building3_unit
    objection = object_to_area(announced, owner, unit)
    with pytest.raises(ValidationError):  # undecided: the roll may not freeze
        actions.open_voting(announced, actor=committee_chair)
    objections.decide_objection(
        objection, actor=committee_chair, upheld=True, reason="核对产权证书，名册录入有误。"
    )
    assert Unit.objects.get(pk=unit.pk).exclusive_area == Decimal("118.30")
    assert AuditEvent.objects.filter(action="unit.corrected", object_id=str(unit.pk)).exists()
    actions.open_voting(announced, actor=committee_chair)
    frozen = VotingRightUnit.objects.get(assembly=announced, unit=unit)
    assert frozen.exclusive_area == Decimal("118.30")


def test_a_rejected_objection_changes_nothing_in_the_register(
    announced, world_a, owner, committee_chair
):
    objection = object_to_area(announced, owner, world_a.building3_unit)
    objections.decide_objection(
        objection, actor=committee_chair, upheld=False, reason="测绘报告与产权证书一致。"
    )
    assert Unit.objects.get(pk=world_a.building3_unit.pk).exclusive_area == Decimal("120.50")


def test_a_decision_needs_a_reason(announced, world_a, owner, committee_chair):
    objection = object_to_area(announced, owner, world_a.building3_unit)
    with pytest.raises(ValidationError):
        objections.decide_objection(objection, actor=committee_chair, upheld=True, reason="  ")
    assert not hasattr(RollObjection.objects.get(pk=objection.pk), "decision")
    assert Unit.objects.get(pk=world_a.building3_unit.pk).exclusive_area == Decimal("120.50")


def test_an_override_with_a_reason_lets_the_roll_freeze(announced, world_a, owner, committee_chair):
    object_to_area(announced, owner, world_a.building3_unit)
    with pytest.raises(ValidationError):
        objections.override_undecided(announced, actor=committee_chair, reason="")
    objections.override_undecided(
        announced, actor=committee_chair, reason="异议人未能在投票前补充测绘报告，先按名册冻结。"
    )
    assert objections.blocking_objections(announced).count() == 0
    actions.open_voting(announced, actor=committee_chair)
    assert AuditEvent.objects.filter(action="roll.objections_overridden").exists()


def test_an_objection_filed_after_an_override_blocks_again(
    announced, world_a, owner, owner_building1, committee_chair
):
    object_to_area(announced, owner, world_a.building3_unit)
    objections.override_undecided(announced, actor=committee_chair, reason="先行冻结。")
    object_to_area(announced, owner_building1, world_a.building1_unit, area="86.00")
    assert objections.blocking_objections(announced).count() == 1


def test_only_own_units_and_only_owners_may_object(announced, world_a, owner, tenant, outsider):
    with pytest.raises(ValidationError):
        object_to_area(announced, owner, world_a.building1_unit)  # 李强's flat
    for person in (tenant, outsider):
        with pytest.raises(PermissionDenied):
            object_to_area(announced, person, world_a.building3_unit)
    assert not RollObjection.objects.exists()


def test_an_objection_without_evidence_is_refused(announced, world_a, owner):
    with pytest.raises(ValidationError):
        objections.file_objection(
            announced,
            actor=owner,
            kind="area",
            unit=world_a.building3_unit,
            claimed_area=Decimal("118.30"),
            explanation="面积有误",
            evidence=None,
        )
    assert not RollObjection.objects.exists()


def test_no_objection_once_the_roll_is_frozen(announced, world_a, owner, committee_chair):
    actions.open_voting(announced, actor=committee_chair)
    with pytest.raises(ValidationError):
        object_to_area(announced, owner, world_a.building3_unit)


def test_an_ordinary_committee_member_may_decide_but_not_correct_the_area(
    announced, world_a, owner, committee_member
):
    objection = object_to_area(announced, owner, world_a.building3_unit)
    with pytest.raises(PermissionDenied):
        objections.decide_objection(objection, actor=committee_member, upheld=True, reason="属实")
    objections.decide_objection(objection, actor=committee_member, upheld=False, reason="不属实")


def test_objections_are_append_only(announced, world_a, owner):
    objection = object_to_area(announced, owner, world_a.building3_unit)
    with pytest.raises(AppendOnlyError):
        objection.save()


def test_members_see_the_roll_page_and_outsiders_do_not(client, announced, owner, outsider, tenant):
    url = reverse("voting:roll", args=[announced.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert "我的名册信息" in response.content.decode()
    assert "提出异议" in response.content.decode()
    client.force_login(tenant)
    page = client.get(url).content.decode()
    assert "各楼栋汇总" in page and "提交异议" not in page
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_the_evidence_is_for_the_committee_and_the_owner_who_filed_it(
    announced, world_a, owner, owner_building1, committee_chair, committee_chair_b, tenant
):
    from portal.community.permissions import may

    objection = object_to_area(announced, owner, world_a.building3_unit)
    assert may(owner, "see_objection_evidence", objection)
    assert may(committee_chair, "see_objection_evidence", objection)
    for other in (owner_building1, tenant, committee_chair_b):
        assert not may(other, "see_objection_evidence", objection)
