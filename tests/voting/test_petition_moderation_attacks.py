"""A second hostile review of petition moderation: double acts, forged or misdirected requests,
and the owners' legal acts while a petition's words are hidden (voting.petitions.visibility)."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from deliberation.choices import ReportReason
from portal.notifications.models import Notification, NotificationBatch
from portal.notifications.subjects import message_for
from tests.voting.conftest import make_assembly
from voting import actions as voting_actions
from voting.petitions import actions
from voting.petitions.choices import PetitionState
from voting.petitions.models import Petition, PetitionModeration

pytestmark = pytest.mark.django_db

TITLE = "罢免业委会主任张某（电话13800135246）"


@pytest.fixture
def petition(estate_a, register, owner) -> Petition:
    return actions.open_petition(
        estate_a, actor=owner, title=TITLE, matters="罢免业主委员会主任张某。", reason="不履职。"
    )


@pytest.fixture
def moderator(community_official):
    """Who moderates petitions: the officials over the estate (not its moderators)."""
    return community_official


def hide(petition, moderator, reason=ReportReason.PERSONAL_INFO) -> PetitionModeration:
    return actions.hide_petition(petition, actor=moderator, reason=reason)


def fresh(petition) -> Petition:
    return Petition.objects.with_events().with_moderation().get(pk=petition.pk)


def told_of_hiding(owner) -> list[str]:
    return list(
        Notification.objects.filter(user=owner, dedupe_key__contains=":hidden:").values_list(
            "dedupe_key", flat=True
        )
    )


def test_a_double_hide_tells_the_initiator_once(
    petition, moderator, subdistrict_official, owner, django_capture_on_commit_callbacks
):
    """Two officials (or one double click) hide the same petition: one hiding, one notice."""
    with django_capture_on_commit_callbacks(execute=True):  # the inbox is filled
        hide(petition, moderator)
    with django_capture_on_commit_callbacks(execute=True):  # confirmed, another reason
        hide(petition, subdistrict_official, reason=ReportReason.ABUSE)
    assert len(told_of_hiding(owner)) == 1
    assert PetitionModeration.objects.filter(hidden=True).count() == 2  # the history keeps both


def test_hiding_again_after_a_restore_tells_the_initiator_again(
    petition, moderator, owner, django_capture_on_commit_callbacks
):
    for act in (hide, actions.restore_petition, hide):
        with django_capture_on_commit_callbacks(execute=True):
            if act is hide:
                hide(petition, moderator)
            else:
                act(petition, actor=moderator)
    assert len(told_of_hiding(owner)) == 2


def test_the_moderation_routes_take_posts_only(client, petition, moderator):
    client.force_login(moderator)
    for name in ("petitions:hide", "petitions:restore"):
        url = reverse(name, args=[petition.estate.slug, petition.pk])
        assert client.get(url).status_code == 405
    assert not PetitionModeration.objects.exists()


def test_a_moderator_of_another_estate_reaches_no_petition_of_this_one(
    client, petition, committee_chair_b, estate_b
):
    client.force_login(committee_chair_b)
    data = {"reason": "personal_info"}
    own_slug = reverse("petitions:hide", args=[estate_b.slug, petition.pk])
    their_slug = reverse("petitions:hide", args=[petition.estate.slug, petition.pk])
    assert client.post(own_slug, data).status_code == 404
    assert client.post(their_slug, data).status_code in (403, 404)
    assert not PetitionModeration.objects.exists()


def test_while_hidden_signatures_can_be_withdrawn_and_so_can_the_petition(
    petition, moderator, owner
):
    hide(petition, moderator)
    actions.withdraw_petition(petition, actor=owner)
    assert fresh(petition).state == PetitionState.WITHDRAWN


def test_while_hidden_the_committee_still_records_the_meeting_it_announced(
    estate_a, petition, moderator, owner_building1, committee_chair
):
    actions.sign_petition(petition, actor=owner_building1)  # reached
    hide(petition, moderator)
    now = timezone.now()
    assembly = make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=20)
    )
    voting_actions.announce_assembly(assembly, actor=committee_chair)
    actions.record_meeting_announced(petition, actor=committee_chair, assembly=assembly)
    assert fresh(petition).state == PetitionState.ANNOUNCED


def test_notifications_sent_before_the_merge_lose_the_title_they_copied(
    petition, moderator, committee_chair
):
    """The data migration: batches the earlier code wrote with the petition's title in their
    title or body are referred to the petition, so a hiding reaches them too."""
    reached = NotificationBatch.objects.create(
        category="assembly",
        title=f"临时会议提议已达到法定比例：{TITLE}"[:100],
        body="请于 2026-12-20 前发布会议公告。",
        dedupe_key=f"petition:{petition.pk}:reached",
        recipient_ids=[committee_chair.pk],
    )
    escalated = NotificationBatch.objects.create(
        category="assembly",
        title="业主委员会逾期未召集临时会议：锦绣花园",
        body=f"「{TITLE}」已达到法定比例，业主委员会未在期限内发布会议公告。",
        dedupe_key=f"petition:{petition.pk}:escalated",
    )
    announced = NotificationBatch.objects.create(
        category="assembly",
        title=f"业主委员会已就临时会议提议发布会议公告：{TITLE}"[:100],
        body="会议：2026年第一次临时会议",
        dedupe_key=f"petition:{petition.pk}:announced",
    )
    migration = import_module("voting.petitions.migrations.0004_notifications_refer_to_petitions")
    migration.refer(apps, None)
    migration.refer(apps, None)  # idempotent
    hide(petition, moderator)
    for batch in (reached, escalated, announced):
        batch.refresh_from_db()
        assert batch.subject == petition
        message = message_for(batch)
        assert "13800135246" not in batch.title + batch.body + message.title + message.body
        assert "该提议的文字已被隐藏" in message.body
    assert reached.body == "请于 2026-12-20 前发布会议公告。"  # the portal's own words stay
    assert announced.body == "会议：2026年第一次临时会议"
