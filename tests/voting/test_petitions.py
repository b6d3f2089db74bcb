"""Petitions for an extraordinary meeting: signing, refusals, the threshold, the deadline sweep.

The register of the voting fixtures (tests/voting/conftest.py) has six heads and 889.60 ㎡:
王芳 120.50, 李强 88.00, 陈志刚 270.00 (three flats, one head), the developer 260.50 (two units,
one head), 周建华 75.30 (no account) and an unregistered flat 75.30. 20 % of six heads is 1.2,
so two heads are needed; 20 % of the area is 177.92 ㎡.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.community import actions as community_actions
from portal.community.models import AuditEvent
from portal.community.models.audit import AppendOnlyError
from tests.factories import OwnerIdentityFactory, OwnershipFactory, UserFactory
from tests.voting.conftest import pdf_scan
from voting.petitions import actions, counting
from voting.petitions.choices import PetitionState
from voting.petitions.models import Petition, PetitionSettings, PetitionSignature

pytestmark = pytest.mark.django_db


def open_one(estate, opener, **kwargs) -> Petition:
    return actions.open_petition(
        estate,
        actor=opener,
        title=kwargs.pop("title", "提议召开临时会议罢免业委会主任"),
        matters=kwargs.pop("matters", "罢免业主委员会主任，补选委员一名。"),
        reason=kwargs.pop("reason", "主任长期不履职，账目半年未公示。"),
        **kwargs,
    )


def fresh(petition: Petition) -> Petition:
    return Petition.objects.prefetch_related("events").get(pk=petition.pk)


def signatures(petition: Petition) -> int:
    return PetitionSignature.objects.filter(petition=petition).count()


def test_the_opener_signs_first_and_progress_counts_heads_and_area(estate_a, register, owner):
    petition = open_one(estate_a, owner)
    check = counting.progress(petition)
    assert check.signed.heads == 1
    assert check.signed.area == Decimal("120.50")
    assert check.totals.heads == 6
    assert check.totals.area == Decimal("889.60")
    assert fresh(petition).state == PetitionState.OPEN


def test_the_second_head_reaches_the_threshold_and_the_committee_is_told(
    estate_a, register, owner, owner_building1, committee_chair, notifications
):
    petition = open_one(estate_a, owner)
    actions.sign_petition(petition, actor=owner_building1)
    petition = fresh(petition)
    assert petition.state == PetitionState.REACHED
    due = petition.announce_due_at
    assert timedelta(days=29, hours=23) < due - timezone.now() <= timedelta(days=30)
    told = [n for n in notifications.sent if n["dedupe_key"] == f"petition:{petition.pk}:reached"]
    assert told and committee_chair in told[0]["recipients"]
    assert AuditEvent.objects.filter(action="petition.reached", object_id=str(petition.pk)).exists()


def test_a_multi_unit_owner_signs_as_one_head_with_three_flats(estate_a, register, owner):
    petition = open_one(estate_a, register.multi_owner)
    check = counting.progress(petition)
    assert (check.signed.heads, check.signed.area) == (1, Decimal("270.00"))
    assert check.area.passed and not check.heads.passed


def test_the_estates_rules_may_set_a_lower_share_and_a_shorter_deadline(estate_a, register, owner):
    PetitionSettings.objects.create(
        estate=estate_a, area_percent=10, heads_percent=10, announce_days=15
    )
    petition = fresh(open_one(estate_a, owner))  # 1 of 6 heads ≥ 10 %, 120.50 ≥ 88.96 ㎡
    assert petition.state == PetitionState.REACHED
    assert petition.announce_due_at - timezone.now() <= timedelta(days=15)


# --- refusals: nothing changes ------------------------------------------------------------


def assert_refused(call, message_part: str, petition: Petition, expected_signatures: int):
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        call()
    text = (
        " ".join(refused.value.messages)
        if isinstance(refused.value, ValidationError)
        else str(refused.value)
    )
    assert message_part in text
    assert signatures(petition) == expected_signatures


def test_a_tenant_may_not_sign(estate_a, register, owner, tenant):
    petition = open_one(estate_a, owner)
    assert_refused(lambda: actions.sign_petition(petition, actor=tenant), "租户", petition, 1)


def test_an_unverified_user_may_not_sign(estate_a, register, owner):
    petition = open_one(estate_a, owner)
    stranger = UserFactory(display_name="路人甲")
    assert_refused(lambda: actions.sign_petition(petition, actor=stranger), "未认证", petition, 1)


def test_an_owner_of_another_estate_may_not_sign(estate_a, register, owner, outsider):
    petition = open_one(estate_a, owner)
    assert_refused(lambda: actions.sign_petition(petition, actor=outsider), "其他小区", petition, 1)


def test_a_tenant_may_not_open_a_petition(estate_a, register, tenant):
    with pytest.raises(PermissionDenied):
        open_one(estate_a, tenant)
    assert not Petition.objects.exists()


def test_a_second_signature_by_the_same_head_is_refused(estate_a, world_a, register, owner):
    spouse = UserFactory(display_name="王芳的丈夫")
    identity = OwnerIdentityFactory(estate=estate_a, name="刘军", mobile=spouse.phone)
    OwnershipFactory(unit=world_a.building3_unit, identity=identity)  # co-owner of 3栋502
    community_actions.link_identity(identity, spouse, how="test")
    petition = open_one(estate_a, owner)
    assert_refused(lambda: actions.sign_petition(petition, actor=spouse), "共有人签名", petition, 1)


def test_signing_twice_is_refused(estate_a, register, owner):
    petition = open_one(estate_a, owner)
    assert_refused(lambda: actions.sign_petition(petition, actor=owner), "已经签过名", petition, 1)


def test_a_signature_after_the_threshold_is_refused(estate_a, register, owner, owner_building1):
    petition = open_one(estate_a, owner)
    actions.sign_petition(petition, actor=owner_building1)
    assert_refused(
        lambda: actions.sign_petition(petition, actor=register.multi_owner),
        "已达到法定比例",
        petition,
        2,
    )


def test_a_signature_after_withdrawing_it_is_refused(estate_a, register, owner, owner_building1):
    petition = open_one(estate_a, register.multi_owner)
    actions.sign_petition(petition, actor=owner_building1)  # 358 ㎡, 2 heads: reached
    petition = open_one(estate_a, owner, title="另一项提议")
    actions.withdraw_signature(petition, actor=owner)
    assert counting.progress(petition).signed.heads == 0
    assert_refused(lambda: actions.sign_petition(petition, actor=owner), "撤回", petition, 1)


def test_a_signature_on_a_withdrawn_petition_is_refused(estate_a, register, owner, owner_building1):
    petition = open_one(estate_a, owner)
    actions.withdraw_petition(petition, actor=owner)
    assert fresh(petition).state == PetitionState.WITHDRAWN
    assert_refused(
        lambda: actions.sign_petition(petition, actor=owner_building1), "撤回", petition, 1
    )


def test_withdrawing_after_the_threshold_is_refused(estate_a, register, owner, owner_building1):
    petition = open_one(estate_a, owner)
    actions.sign_petition(petition, actor=owner_building1)
    with pytest.raises(ValidationError):
        actions.withdraw_signature(petition, actor=owner_building1)
    with pytest.raises(ValidationError):
        actions.withdraw_petition(petition, actor=owner)
    assert counting.progress(petition).signed.heads == 2


def test_only_the_opener_withdraws_the_petition(estate_a, register, owner, owner_building1):
    petition = open_one(estate_a, owner)
    with pytest.raises(PermissionDenied):
        actions.withdraw_petition(petition, actor=owner_building1)
    assert fresh(petition).state == PetitionState.OPEN


# --- paper petitions ----------------------------------------------------------------------


def test_the_committee_enters_a_paper_petition_with_its_scan(
    estate_a, register, owner, committee_chair
):
    petition = open_one(estate_a, owner)
    signature = actions.enter_paper_signature(
        petition, actor=committee_chair, identity=register.unlinked_identity, scan=pdf_scan()
    )
    assert signature.entered_by == committee_chair and signature.scan
    check = counting.progress(petition)
    assert (check.signed.heads, check.signed.area) == (2, Decimal("195.80"))
    assert fresh(petition).state == PetitionState.REACHED


def test_a_paper_petition_without_a_scan_or_by_an_owner_is_refused(
    estate_a, register, owner, owner_building1, committee_chair
):
    petition = open_one(estate_a, owner)
    assert_refused(
        lambda: actions.enter_paper_signature(
            petition, actor=committee_chair, identity=register.unlinked_identity, scan=None
        ),
        "扫描件",
        petition,
        1,
    )
    assert_refused(
        lambda: actions.enter_paper_signature(
            petition, actor=owner_building1, identity=register.unlinked_identity, scan=pdf_scan()
        ),
        "业主委员会",
        petition,
        1,
    )


def test_the_developers_paper_signature_counts_its_units_as_one_head(
    estate_a, register, owner, committee_chair
):
    petition = open_one(estate_a, owner)
    actions.enter_paper_signature(
        petition, actor=committee_chair, identity=register.developer, scan=pdf_scan()
    )
    check = counting.progress(petition)
    assert (check.signed.heads, check.signed.area) == (2, Decimal("381.00"))


# --- the deadline, escalation and the meeting -----------------------------------------------


def reached_petition(estate, owner, other) -> Petition:
    petition = open_one(estate, owner)
    actions.sign_petition(petition, actor=other)
    return fresh(petition)


def test_nothing_escalates_before_the_deadline(estate_a, register, owner, owner_building1):
    petition = reached_petition(estate_a, owner, owner_building1)
    assert actions.escalate_overdue(now=petition.announce_due_at - timedelta(minutes=1)) == 0
    assert fresh(petition).state == PetitionState.REACHED


def test_a_passed_deadline_escalates_once_to_the_community_and_sub_district(
    estate_a,
    register,
    owner,
    owner_building1,
    community_official,
    subdistrict_official,
    notifications,
):
    petition = reached_petition(estate_a, owner, owner_building1)
    later = petition.announce_due_at + timedelta(minutes=1)
    assert actions.escalate_overdue(now=later) == 1
    assert actions.escalate_overdue(now=later + timedelta(hours=1)) == 0
    petition = fresh(petition)
    assert petition.state == PetitionState.ESCALATED
    sent = [n for n in notifications.sent if n["dedupe_key"] == f"petition:{petition.pk}:escalated"]
    assert len(sent) == 1
    assert {community_official, subdistrict_official} <= set(sent[0]["recipients"])


def test_the_committee_records_the_meeting_it_announced(
    estate_a, register, owner, owner_building1, committee_chair
):
    from tests.voting.conftest import make_assembly
    from voting import actions as voting_actions

    petition = reached_petition(estate_a, owner, owner_building1)
    now = timezone.now()
    assembly = make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=20)
    )
    with pytest.raises(ValidationError):  # a draft is not an announced meeting
        actions.record_meeting_announced(petition, actor=committee_chair, assembly=assembly)
    voting_actions.announce_assembly(assembly, actor=committee_chair)
    with pytest.raises(PermissionDenied):
        actions.record_meeting_announced(petition, actor=owner, assembly=assembly)
    actions.record_meeting_announced(petition, actor=committee_chair, assembly=assembly)
    petition = fresh(petition)
    assert petition.state == PetitionState.ANNOUNCED
    assert actions.escalate_overdue(now=petition.announce_due_at + timedelta(days=1)) == 0


# --- append-only and the to-do list -------------------------------------------------------


def test_signatures_and_petitions_are_append_only(estate_a, register, owner):
    petition = open_one(estate_a, owner)
    signature = PetitionSignature.objects.get(petition=petition)
    with pytest.raises(AppendOnlyError):
        signature.save()
    with pytest.raises(AppendOnlyError):
        petition.delete()
    table = PetitionSignature._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert PetitionSignature.objects.filter(pk=signature.pk).exists()


def test_petitions_awaiting_lists_what_the_owner_may_still_sign(
    estate_a, register, owner, owner_building1, tenant
):
    petition = open_one(estate_a, owner)
    awaiting = actions.petitions_awaiting(owner_building1)
    assert [item["petition"] for item in awaiting] == [petition]
    assert awaiting[0]["deadline"] is None
    assert actions.petitions_awaiting(owner) == []  # already signed
    assert actions.petitions_awaiting(tenant) == []
    actions.sign_petition(petition, actor=owner_building1)  # reached: closed to signatures
    assert actions.petitions_awaiting(register.multi_owner) == []


def test_the_withdraw_question_is_the_openers_while_the_petition_is_open(
    estate_a, register, owner, owner_building1, committee_chair
):
    from portal.community.permissions import may

    petition = open_one(estate_a, owner)
    assert may(owner, "withdraw_petition", petition)
    assert not may(owner_building1, "withdraw_petition", petition)
    assert not may(committee_chair, "withdraw_petition", petition)
    actions.sign_petition(petition, actor=owner_building1)  # the threshold: 2 of 6 heads
    assert not may(owner, "withdraw_petition", fresh(petition))
