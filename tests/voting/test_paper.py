"""Paper ballots: entered with a scan by committee staff, optionally confirmed by a second
person, and resolved against an online ballot of the same right by the assembly's rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.community.models import AuditEvent
from tests.voting.conftest import full_choices, motions_of, open_assembly, png_scan, right_of
from voting import actions, ledger
from voting.choices import Channel
from voting.lookups import get_paper_right
from voting.models import Ballot, PaperConfirmation

pytestmark = pytest.mark.django_db


def _enter(assembly, user, staff, choices=None):
    return actions.enter_paper_ballot(
        assembly,
        right_of(user, assembly),
        choices or full_choices(assembly),
        entered_by=staff,
        scan=png_scan(),
    )


def test_staff_enter_a_paper_ballot_with_its_scan(assembly, owner, committee_member):
    result = _enter(assembly, owner, committee_member)
    ballot = result.ballot
    assert ballot.channel == Channel.PAPER and ballot.entered_by == committee_member
    assert ballot.scan.name.startswith("voting/paper/")
    assert AuditEvent.objects.filter(action="ballot.cast", object_id=str(ballot.pk)).exists()
    assert ledger.verify_assembly(assembly).ok


def test_a_second_paper_ballot_for_the_same_right_is_not_stored(assembly, owner, committee_member):
    first = _enter(assembly, owner, committee_member)
    again = _enter(assembly, owner, committee_member)
    assert not again.created and again.ballot.pk == first.ballot.pk


def test_property_staff_cannot_enter_paper_ballots(assembly, owner, property_manager):
    with pytest.raises(ValidationError, match="业主委员会成员"):
        _enter(assembly, owner, property_manager)
    assert Ballot.objects.count() == 0


def test_a_paper_ballot_needs_a_scan(assembly, owner, committee_member):
    with pytest.raises(ValidationError, match="扫描件"):
        actions.enter_paper_ballot(
            assembly,
            right_of(owner, assembly),
            full_choices(assembly),
            entered_by=committee_member,
            scan=None,
        )
    assert Ballot.objects.count() == 0


def test_a_unit_not_on_the_roll_is_refused(assembly):
    with pytest.raises(ValidationError, match="不在本次会议的选民名册上"):
        get_paper_right(assembly, "9栋", "909")


def test_a_right_of_another_assembly_is_refused(
    assembly, estate_a, owner, committee_chair, committee_member
):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    with pytest.raises(ValidationError, match="不在本次会议的选民名册上"):
        actions.enter_paper_ballot(
            assembly,
            right_of(owner, other),
            full_choices(assembly),
            entered_by=committee_member,
            scan=png_scan(),
        )
    assert Ballot.objects.count() == 0


def test_the_paper_unit_lookup_finds_the_right(assembly, register):
    right = get_paper_right(assembly, "5栋", "201")
    assert right == right_of(register.multi_owner, assembly)


def test_second_person_confirmation(estate_a, register, owner, committee_chair, committee_member):
    assembly = open_assembly(estate_a, committee_chair, paper_needs_confirmation=True)
    ballot = _enter(assembly, owner, committee_member).ballot
    assert actions.resolve_channels(assembly) == {}  # unconfirmed: does not count
    with pytest.raises(ValidationError, match="不能是录入人本人"):
        actions.confirm_paper_ballot(ballot, actor=committee_member)
    actions.confirm_paper_ballot(ballot, actor=committee_chair)
    assert PaperConfirmation.objects.get(ballot=ballot).confirmed_by == committee_chair
    assert actions.resolve_channels(assembly) == {ballot.right_id: ballot}
    with pytest.raises(ValidationError, match="已经核对过"):
        actions.confirm_paper_ballot(ballot, actor=committee_chair)


def test_only_the_committee_confirms(
    estate_a, register, owner, committee_chair, committee_member, property_manager
):
    assembly = open_assembly(estate_a, committee_chair, paper_needs_confirmation=True)
    ballot = _enter(assembly, owner, committee_member).ballot
    with pytest.raises(PermissionDenied):
        actions.confirm_paper_ballot(ballot, actor=property_manager)


@pytest.mark.parametrize("priority, counted_channel", [("online", "online"), ("paper", "paper")])
def test_online_and_paper_resolved_by_the_rule_with_both_kept(
    estate_a,
    register,
    owner,
    owner_building1,
    committee_chair,
    committee_member,
    priority,
    counted_channel,
):
    assembly = open_assembly(estate_a, committee_chair, channel_priority=priority)
    resolution = motions_of(assembly)[0]
    online = actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        {resolution.pk: "agree"},
        channel=Channel.ONLINE,
        cast_by=owner,
    ).ballot
    paper = _enter(assembly, owner, committee_member, {resolution.pk: "oppose"}).ballot
    only_online = actions.cast_ballot(
        assembly,
        right_of(owner_building1, assembly),
        {resolution.pk: "abstain"},
        channel=Channel.ONLINE,
        cast_by=owner_building1,
    ).ballot
    counted = actions.resolve_channels(assembly, actor=committee_chair)
    assert counted[online.right_id].channel == counted_channel
    assert counted[only_online.right_id] == only_online
    assert Ballot.objects.filter(pk__in=[online.pk, paper.pk]).count() == 2
    event = AuditEvent.objects.get(action="assembly.channels_resolved")
    [resolution_record] = event.details["resolutions"]
    assert resolution_record["counted_sequence"] == counted[online.right_id].sequence
    assert event.details["rule"] == priority
