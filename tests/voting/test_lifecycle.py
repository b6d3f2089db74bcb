"""The assembly's lifecycle: the notice freezes the motions, the notice period is enforced,
informing the residents' committee is recorded, and revisions never roll the state back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.community.models import AuditEvent
from tests.voting.conftest import make_assembly
from voting import actions
from voting.choices import AssemblyState, Matter
from voting.models import AssemblyPage, Candidate, Motion, MotionsFrozenError

pytestmark = pytest.mark.django_db


def test_announcing_freezes_motions_and_fixes_candidates(draft_assembly, committee_chair):
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    assert page.state == AssemblyState.ANNOUNCED and page.notice_published_at is not None
    election = page.motions.get(kind="election")
    assert list(Candidate.objects.filter(motion=election).values_list("name", flat=True)) == [
        "王建国",
        "李秀英",
        "张伟",
        "刘洋",
        "陈静",
        "杨磊",
    ]
    assert AuditEvent.objects.filter(action="assembly.announced").exists()


def test_a_frozen_motion_cannot_be_changed_added_or_deleted(draft_assembly, committee_chair):
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    motion = Motion.objects.filter(page=draft_assembly).first()
    motion.title = "临时加入的事项"
    with pytest.raises(MotionsFrozenError):
        motion.save()
    with pytest.raises(MotionsFrozenError):
        Motion(page_id=draft_assembly.pk, title="新事项", matter=Matter.OTHER_MAJOR).save()
    with pytest.raises(MotionsFrozenError), transaction.atomic():
        Motion.objects.filter(pk=motion.pk).delete()
    assert Motion.objects.get(pk=motion.pk).title != "临时加入的事项"


def test_rules_of_procedure_are_frozen_with_the_notice(draft_assembly, committee_chair):
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    page.voting_opens_at = page.voting_opens_at - timedelta(days=5)
    with pytest.raises(MotionsFrozenError):
        page.save()


def test_publishing_an_old_revision_never_rolls_the_state_back(draft_assembly, committee_chair):
    revision = draft_assembly.save_revision()
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    restored = page.with_content_json(revision.content)
    assert restored.state == AssemblyState.ANNOUNCED
    assert restored.notice_published_at == page.notice_published_at


def test_voting_cannot_open_before_the_notice_period(estate_a, register, committee_chair):
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=20)
    )
    with pytest.raises(ValidationError, match="不得早于会议公告发布后 15 日"):
        actions.announce_assembly(page, actor=committee_chair)
    assert AssemblyPage.objects.get(pk=page.pk).state == AssemblyState.DRAFT


def test_open_voting_refuses_before_the_earliest_opening(draft_assembly, committee_chair):
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    with pytest.raises(ValidationError, match="公告期未满"):
        actions.open_voting(draft_assembly, actor=committee_chair)
    assert AssemblyPage.objects.get(pk=draft_assembly.pk).state == AssemblyState.ANNOUNCED


def test_the_admin_form_explains_the_notice_period(draft_assembly):
    form_class = AssemblyPage.get_edit_handler().get_form_class()
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    form = form_class(instance=page, for_user=None)
    data = {k: v for k, v in form.initial.items() if v is not None}
    form = form_class(
        data={
            **{k: v for k, v in data.items() if not isinstance(v, list | dict)},
            "voting_opens_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
        },
        instance=page,
        for_user=None,
    )
    form.is_valid()
    assert any("不得早于会议公告发布后 15 日" in e for e in form.errors.get("voting_opens_at", []))


def test_only_the_committee_announces(draft_assembly, property_manager):
    with pytest.raises(PermissionDenied):
        actions.announce_assembly(draft_assembly, actor=property_manager)


def test_informing_the_residents_committee_is_recorded(draft_assembly, committee_chair):
    with pytest.raises(ValidationError, match="请先发布会议公告"):
        actions.record_residents_committee_informed(
            draft_assembly, actor=committee_chair, informed_whom="和平社区居民委员会"
        )
    actions.announce_assembly(draft_assembly, actor=committee_chair)
    record = actions.record_residents_committee_informed(
        draft_assembly,
        actor=committee_chair,
        informed_whom="和平社区居民委员会 吴主任",
        how="书面送达",
    )
    assert record.recorded_by == committee_chair
    assert AssemblyPage.objects.get(pk=draft_assembly.pk).residents_committee_informed_at
    event = AuditEvent.objects.get(action="assembly.residents_committee_informed")
    assert event.details["informed_whom"] == "和平社区居民委员会 吴主任"
    assert event.actor == committee_chair


def test_close_before_the_end_is_refused(assembly, committee_chair):
    with pytest.raises(ValidationError, match="尚未到投票结束时间"):
        actions.close_voting(assembly, actor=committee_chair)
