"""The electoral roll: heads grouped by owner identity (SPC Art. 9), exact areas, frozen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.community.models import AuditEvent, Ownership
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UnitFactory
from tests.voting.conftest import right_of
from voting.choices import RightKind
from voting.models import ElectoralRoll, VotingRight, VotingRightUnit
from voting.roll import freeze_roll

pytestmark = pytest.mark.django_db


def test_three_unit_owner_is_one_head_with_the_summed_area(assembly, register):
    right = right_of(register.multi_owner, assembly)
    assert right.unit_count == 3
    assert right.area == Decimal("270.00")
    assert right.explain() == "3 套房屋，合计 270.00 ㎡，计 1 人"
    assert sorted(right.unit_labels()) == ["5栋101", "5栋201", "5栋301"]


def test_developer_units_are_one_head(assembly, register):
    developer_rights = VotingRight.objects.filter(assembly=assembly, kind=RightKind.DEVELOPER)
    assert developer_rights.count() == 1
    right = developer_rights.get()
    assert right.unit_count == 2
    assert right.area == Decimal("260.50")
    assert list(right.holders.all()) == [register.developer]


def test_roll_totals_are_exact(assembly, world_a):
    roll = ElectoralRoll.objects.get(assembly=assembly)
    # 88.00 + 120.50 + 3 × 90.00 + 2 × 130.25 + 75.30 + 75.30
    assert roll.total_area == Decimal("889.60")
    # 李强, 王芳, 陈志刚, the developer, 周建华 (no account yet), the unregistered flat
    assert roll.total_heads == 6
    assert roll.total_units == 9
    rights = VotingRight.objects.filter(assembly=assembly)
    assert sum(r.area for r in rights) == roll.total_area


def test_unlinked_and_unregistered_units_still_count(assembly, register):
    unlinked = VotingRight.objects.get(assembly=assembly, holders=register.unlinked_identity)
    assert unlinked.kind == RightKind.PERSON and unlinked.area == Decimal("75.30")
    unregistered = VotingRightUnit.objects.get(
        assembly=assembly, unit=register.unregistered_unit
    ).right
    assert unregistered.kind == RightKind.UNREGISTERED
    assert unregistered.holders.count() == 0


def test_tenant_never_holds_a_right(assembly, tenant):
    assert not VotingRight.objects.filter(assembly=assembly, holders__user=tenant).exists()


def test_pseudonyms_are_distinct(assembly):
    pseudonyms = list(
        VotingRight.objects.filter(assembly=assembly).values_list("pseudonym", flat=True)
    )
    assert len(set(pseudonyms)) == len(pseudonyms) == 6


def test_register_changes_after_freezing_do_not_touch_the_roll(assembly, register, world_a):
    before = {(r.pk, r.area, r.unit_count) for r in VotingRight.objects.filter(assembly=assembly)}
    unit = register.multi_units[0]
    unit.exclusive_area = Decimal("190.00")
    unit.save()
    # 陈志刚 sells 5栋301 to a new owner, and a new flat is registered.
    sold = register.multi_units[2]
    Ownership.objects.filter(unit=sold).update(ended_at="2026-01-01T00:00:00+08:00")
    OwnershipFactory(unit=sold, identity=OwnerIdentityFactory(estate=world_a.estate))
    UnitFactory(building=unit.building, number="401", floor=4, exclusive_area=Decimal("99.00"))

    after = {(r.pk, r.area, r.unit_count) for r in VotingRight.objects.filter(assembly=assembly)}
    assert after == before
    copied = VotingRightUnit.objects.get(assembly=assembly, unit=unit)
    assert copied.exclusive_area == Decimal("90.00")
    assert ElectoralRoll.objects.get(assembly=assembly).total_area == Decimal("889.60")


def test_a_roll_is_frozen_once(assembly):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        freeze_roll(assembly)


def test_freezing_is_audited(assembly):
    event = AuditEvent.objects.get(action="assembly.roll_frozen", object_id=str(assembly.pk))
    assert event.details["total_heads"] == 6
    assert event.details["total_area"] == "889.60"
