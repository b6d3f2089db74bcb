"""An upheld missing-unit or grouping objection corrects who owns which unit, and the roll follows.

The register of 锦绣花园 (tests/voting/conftest.py ``register``): 王芳 3栋502 (120.50 ㎡), 李强
1栋101 (88.00 ㎡), 陈志刚 5栋101/201/301 (90 ㎡ each), the developer 7栋1101/1201, 周建华 7栋301
(75.30 ㎡) and the unregistered 7栋401 (75.30 ㎡): six heads, 889.60 ㎡.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.community.models import AuditEvent, OwnerIdentity, Ownership, Unit
from portal.community.models.register import hash_id_number
from portal.community.register.id_numbers import check_character
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UnitFactory
from tests.voting.conftest import inform_residents_committee, make_assembly, png_scan
from voting import actions, objections
from voting.models import RollObjection, RollObjectionDecision, VotingRight

pytestmark = pytest.mark.django_db

SON_ID = "11010520010315003"
SON_ID += check_character(SON_ID)
MISTYPED_ID = SON_ID[:-1] + ("1" if SON_ID[-1] != "1" else "2")  # wrong check character


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


def unit(estate, building, number):
    return Unit.objects.get(building__estate=estate, building__name=building, number=number)


def object_missing_unit(assembly, owner):
    return objections.file_objection(
        assembly,
        actor=owner,
        kind="missing_unit",
        explanation="7栋401 是我 2019 年购买的车位上方储藏间，产权证在我名下，名册未登记。",
        evidence=png_scan("certificate.png"),
    )


def object_grouping(assembly, owner, flat, text="名册人数归并有误。"):
    return objections.file_objection(
        assembly,
        actor=owner,
        kind="grouping",
        unit=flat,
        explanation=text,
        evidence=png_scan("contract.png"),
    )


def register_state():
    """Who holds which unit now, as (unit pk, identity pk) pairs, and every ownership row."""
    current = set(
        Ownership.objects.filter(ended_at__isnull=True).values_list("unit_id", "identity_id")
    )
    return current, Ownership.objects.count(), OwnerIdentity.objects.count()


def own_area_and_numbers(user, assembly):
    (entry,) = objections.own_entries(user, assembly)
    return entry.area, [f"{b}{n}" for b, n, _a, _u in entry.units]


# --- missing unit (漏登房屋) -----------------------------------------------------------------


def test_an_upheld_missing_unit_is_registered_to_the_objector_and_the_frozen_roll_has_it(
    announced, estate_a, owner, committee_chair
):
    flat = unit(estate_a, "7栋", "401")
    objection = object_missing_unit(announced, owner)
    assert objections.summary(announced).total_heads == 6

    objections.decide_objection(
        objection,
        actor=committee_chair,
        upheld=True,
        reason="核对不动产权证书，7栋401 登记在王芳名下，名册漏登。",
        unit=flat,
    )

    assert own_area_and_numbers(owner, announced) == (Decimal("195.80"), ["3栋502", "7栋401"])
    summary = objections.summary(announced)
    # The unregistered flat was a head of its own; now it is part of 王芳's.
    assert (summary.total_heads, summary.total_area) == (5, Decimal("889.60"))
    decision = RollObjectionDecision.objects.get(objection=objection)
    assert (decision.correction, decision.corrected_unit, decision.assigned_to) == (
        "assign",
        flat,
        objection.identity,
    )
    event = AuditEvent.objects.get(action="ownership.corrected", object_id=str(flat.pk))
    assert event.details["before"] == []
    assert event.details["after"] == [{"identity": objection.identity.pk, "name": "王*"}]

    actions.open_voting(announced, actor=committee_chair)
    assert announced.roll.total_heads == 5
    right = VotingRight.objects.get(assembly=announced, holders=objection.identity)
    assert (right.unit_count, right.area) == (2, Decimal("195.80"))


def test_a_missing_unit_registered_to_someone_else_ends_that_ownership_and_keeps_it(
    announced, estate_a, owner, register, committee_chair
):
    flat = unit(estate_a, "7栋", "301")  # registered to 周建华
    objection = object_missing_unit(announced, owner)
    objections.decide_objection(
        objection,
        actor=committee_chair,
        upheld=True,
        reason="购房合同与产权证书均为王芳，周建华为原业主，已于 2021 年过户。",
        unit=flat,
    )
    ended = Ownership.objects.get(unit=flat, identity=register.unlinked_identity)
    assert ended.ended_at is not None  # history is kept, never deleted
    assert not register.unlinked_identity.ownerships.filter(ended_at__isnull=True).exists()
    assert objections.summary(announced).total_heads == 5  # 周建华 is no longer a head
    event = AuditEvent.objects.get(action="ownership.corrected", object_id=str(flat.pk))
    assert event.details["before"] == [{"identity": register.unlinked_identity.pk, "name": "周*华"}]


def test_a_rejected_missing_unit_changes_nothing(announced, owner, committee_chair):
    objection = object_missing_unit(announced, owner)
    before = register_state()
    objections.decide_objection(
        objection, actor=committee_chair, upheld=False, reason="产权证书上的房屋为 8栋401。"
    )
    assert register_state() == before
    assert not AuditEvent.objects.filter(action="ownership.corrected").exists()


@pytest.mark.parametrize(
    ("where", "why"),
    [
        (None, "no unit named"),
        (("7栋", "1101"), "the developer's unsold flat"),
        (("3栋", "502"), "already hers"),
        ("other estate", "a flat of 翠湖苑"),
    ],
)
def test_a_refused_missing_unit_correction_records_nothing(
    announced, estate_a, world_b, owner, committee_chair, where, why
):
    objection = object_missing_unit(announced, owner)
    if where == "other estate":
        flat = world_b.building1_unit
    else:
        flat = unit(estate_a, *where) if where else None
    before = register_state()
    with pytest.raises(ValidationError):
        objections.decide_objection(
            objection, actor=committee_chair, upheld=True, reason="属实。", unit=flat
        )
    assert register_state() == before, why
    assert not RollObjectionDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="ownership.corrected").exists()
    assert objections.blocking_objections(announced).count() == 1


def test_a_committee_member_without_the_register_may_not_uphold_a_missing_unit(
    announced, estate_a, owner, committee_member
):
    objection = object_missing_unit(announced, owner)
    before = register_state()
    with pytest.raises(PermissionDenied):
        objections.decide_objection(
            objection,
            actor=committee_member,
            upheld=True,
            reason="属实。",
            unit=unit(estate_a, "7栋", "401"),
        )
    assert register_state() == before
    assert not RollObjectionDecision.objects.exists()


# --- wrong grouping (人数归并有误) -----------------------------------------------------------


@pytest.fixture
def duplicate(estate_a, register):
    """陈志刚 also bought 7栋501 (75.30 ㎡), registered under his passport as a second person."""
    flat = UnitFactory(
        building=unit(estate_a, "7栋", "301").building,
        number="501",
        floor=5,
        exclusive_area=Decimal("75.30"),
    )
    identity = OwnerIdentityFactory(estate=estate_a, name="陈志刚", mobile="")
    OwnershipFactory(unit=flat, identity=identity)
    return identity


def test_one_buyer_counted_as_two_heads_is_merged_into_one(
    announced, estate_a, register, duplicate, committee_chair
):
    first = register.multi_units[0]
    objection = object_grouping(
        announced, register.multi_owner, first, "7栋501 也是我购买的，按护照登记成了另一人。"
    )
    assert objections.summary(announced).total_heads == 7

    objections.decide_objection(
        objection,
        actor=committee_chair,
        upheld=True,
        reason="护照与身份证为同一人，按最高法解释第九条计为一人。",
        grouping="merge",
        unit=unit(estate_a, "7栋", "501"),
    )

    assert objections.summary(announced).total_heads == 6
    assert own_area_and_numbers(register.multi_owner, announced) == (
        Decimal("345.30"),
        ["5栋101", "5栋201", "5栋301", "7栋501"],
    )
    assert not duplicate.ownerships.filter(ended_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="ownership.corrected").count() == 1
    actions.open_voting(announced, actor=committee_chair)
    assert announced.roll.total_heads == 6
    right = VotingRight.objects.get(assembly=announced, holders=objection.identity)
    assert (right.unit_count, right.area) == (4, Decimal("345.30"))


def test_two_buyers_counted_as_one_head_are_split_onto_the_other_buyer(
    announced, register, committee_chair
):
    flat = register.multi_units[2]  # 5栋301
    objection = object_grouping(
        announced, register.multi_owner, flat, "5栋301 是我儿子陈小明单独购买的，不应并在我名下。"
    )
    objections.decide_objection(
        objection,
        actor=committee_chair,
        upheld=True,
        reason="购房合同买受人为陈小明。",
        grouping="split",
        other_name="陈小明",
        other_id_number=SON_ID,
    )

    son = OwnerIdentity.objects.get(name="陈小明")
    assert son.id_last4 == SON_ID[-4:]
    assert SON_ID not in str(OwnerIdentity.objects.filter(pk=son.pk).values().get())
    assert objections.summary(announced).total_heads == 7
    assert own_area_and_numbers(register.multi_owner, announced) == (
        Decimal("180.00"),
        ["5栋101", "5栋201"],
    )
    decision = RollObjectionDecision.objects.get(objection=objection)
    assert (decision.correction, decision.corrected_unit, decision.assigned_to) == (
        "split",
        flat,
        son,
    )
    assert AuditEvent.objects.filter(action="owner.registered", object_id=str(son.pk)).exists()
    actions.open_voting(announced, actor=committee_chair)
    right = VotingRight.objects.get(assembly=announced, holders=son)
    assert (right.unit_count, right.area, announced.roll.total_heads) == (1, Decimal("90.00"), 7)


@pytest.mark.parametrize(
    "typed",
    [SON_ID, (SON_ID[:6] + "\u3000" + SON_ID[6:14] + " " + SON_ID[14:]).lower()],
    ids=["as-imported", "spaced-and-lower-case"],
)
def test_a_split_onto_a_buyer_already_in_the_register_uses_their_identity(
    announced, register, committee_chair, typed
):
    """The number is read as the register import reads it, however it was typed."""
    son = OwnerIdentityFactory(
        estate=register.unlinked_identity.estate, name="陈小明", id_hash=hash_id_number(SON_ID)
    )
    OwnershipFactory(
        unit=UnitFactory(building=register.multi_units[0].building, number="602", floor=6),
        identity=son,
    )
    objection = object_grouping(announced, register.multi_owner, register.multi_units[2])
    heads = objections.summary(announced).total_heads
    objections.decide_objection(
        objection,
        actor=committee_chair,
        upheld=True,
        reason="5栋301 买受人为陈小明。",
        grouping="split",
        other_name="陈小明",
        other_id_number=typed,
    )
    assert OwnerIdentity.objects.filter(name="陈小明").count() == 1
    assert objections.summary(announced).total_heads == heads  # joins 陈小明's existing head


@pytest.mark.parametrize(
    ("correction", "why"),
    [
        ({}, "upheld without saying how"),
        ({"grouping": "merge"}, "merge without a unit"),
        ({"grouping": "merge", "unit": ("3栋", "502")}, "王芳 has her own account"),
        ({"grouping": "merge", "unit": ("7栋", "401")}, "an unregistered flat"),
        ({"grouping": "merge", "unit": ("7栋", "1101")}, "the developer's flat"),
        ({"grouping": "split", "other_name": "陈小明", "other_id_number": ""}, "no ID number"),
        (
            {"grouping": "split", "other_name": "陈小明", "other_id_number": MISTYPED_ID},
            "a broken ID number",
        ),
        ({"grouping": "split", "other_name": "", "other_id_number": SON_ID}, "no name"),
    ],
)
def test_a_refused_grouping_correction_records_nothing(
    announced, estate_a, register, committee_chair, correction, why
):
    objection = object_grouping(announced, register.multi_owner, register.multi_units[2])
    if "unit" in correction:
        correction = {**correction, "unit": unit(estate_a, *correction["unit"])}
    before = register_state()
    with pytest.raises(ValidationError):
        objections.decide_objection(
            objection, actor=committee_chair, upheld=True, reason="属实。", **correction
        )
    assert register_state() == before, why
    assert not RollObjectionDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["ownership.corrected", "owner.registered"])


def test_a_rejected_grouping_objection_changes_nothing(announced, register, committee_chair):
    objection = object_grouping(announced, register.multi_owner, register.multi_units[2])
    before = register_state()
    objections.decide_objection(
        objection, actor=committee_chair, upheld=False, reason="三套房屋买受人均为陈志刚本人。"
    )
    assert register_state() == before
    assert objections.summary(announced).total_heads == 6


# --- the committee's form ---------------------------------------------------------------------


def test_the_decision_form_names_the_unit_by_building_and_number(
    client, announced, estate_a, owner, committee_chair
):
    objection = object_missing_unit(announced, owner)
    building = unit(estate_a, "7栋", "401").building
    url = reverse("voting:roll_decide", args=[announced.pk, objection.pk])
    client.force_login(committee_chair)
    page = client.get(reverse("voting:roll_objections", args=[announced.pk])).content.decode()
    assert "异议成立时补登的房屋" in page

    response = client.post(
        url, {"upheld": "1", "reason": "属实。", "building": building.pk, "unit_number": "4011"}
    )
    assert response.status_code == 400
    assert "7栋 没有房号为 4011 的房屋" in response.content.decode()
    response = client.post(url, {"upheld": "1", "reason": "属实。"})
    assert response.status_code == 400
    assert "请指明补登的房屋" in response.content.decode()
    assert not RollObjectionDecision.objects.exists()

    response = client.post(
        url, {"upheld": "1", "reason": "属实。", "building": building.pk, "unit_number": "401"}
    )
    assert response.status_code == 302
    page = client.get(reverse("voting:roll", args=[announced.pk]))
    client.force_login(owner)
    page = client.get(reverse("voting:roll", args=[announced.pk])).content.decode()
    assert "名册已更正：7栋401 补登在 王* 名下" in page
    assert RollObjection.objects.get(pk=objection.pk).decision.correction == "assign"


def test_the_committee_splits_a_head_through_the_form(client, announced, register, committee_chair):
    objection = object_grouping(announced, register.multi_owner, register.multi_units[2])
    client.force_login(committee_chair)
    page = client.get(reverse("voting:roll_objections", args=[announced.pk])).content.decode()
    assert "异议成立时如何更正" in page and "另一位业主的证件号码" in page
    url = reverse("voting:roll_decide", args=[announced.pk, objection.pk])

    response = client.post(url, {"upheld": "1", "reason": "买受人为陈小明。"})
    assert response.status_code == 400
    assert "请选择更正方式" in response.content.decode()
    response = client.post(
        url,
        {
            "upheld": "1",
            "reason": "买受人为陈小明。",
            "grouping": "split",
            "other_name": "陈小明",
            "other_id_number": MISTYPED_ID,
        },
    )
    assert response.status_code == 400
    assert "证件号码有误" in response.content.decode()
    assert not OwnerIdentity.objects.filter(name="陈小明").exists()

    response = client.post(
        url,
        {
            "upheld": "1",
            "reason": "买受人为陈小明。",
            "grouping": "split",
            "other_name": "陈小明",
            "other_id_number": SON_ID.lower(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("voting:roll_objections", args=[announced.pk])).content.decode()
    assert "名册已更正：5栋301 登记到 陈*明 名下，分开计算" in page
    assert objections.summary(announced).total_heads == 7


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE voting_rollobjectiondecision SET correction = ''",
        "UPDATE voting_rollobjectiondecision SET assigned_to_id = NULL",
        "DELETE FROM voting_rollobjectiondecision",
    ],
)
def test_the_database_still_refuses_to_change_a_decision_with_its_correction(
    announced, estate_a, owner, committee_chair, sql
):
    """Migration 0011 rebuilds the table on SQLite; the append-only triggers come back with it."""
    objections.decide_objection(
        object_missing_unit(announced, owner),
        actor=committee_chair,
        upheld=True,
        reason="名册漏登。",
        unit=unit(estate_a, "7栋", "401"),
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert RollObjectionDecision.objects.get().correction == "assign"
