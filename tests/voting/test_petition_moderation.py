"""A hostile audit of a petition's copies under moderation (voting.petitions.visibility).

A petition's title and texts name a neighbour and their mobile number. An official over the
estate (the only ones who moderate petitions: the committee is their addressee) hides its words
through the real action; every copy a neighbour, the committee or an official
can reach (the list, the page, the inbox, the to-do list, the dashboard's drill-down and
alerts, the audit screen) shows the placeholder instead, while the legal act stands:
signatures, counts, the threshold, the committee's deadline and the escalation. The
petition row is never rewritten: moderation is its own append-only history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from deliberation.choices import ReportReason
from portal.community import audit
from portal.community.models import AuditEvent
from portal.community.models.audit import AppendOnlyError
from portal.dashboard.period import Period, local_today
from portal.home import todo
from portal.notifications.models import NotificationBatch
from portal.notifications.subjects import message_for
from tests.voting.conftest import pdf_scan
from voting.petitions import actions, counting, visibility
from voting.petitions.choices import PetitionState
from voting.petitions.dashboard import PetitionFigures
from voting.petitions.models import Petition, PetitionModeration

pytestmark = pytest.mark.django_db

PHONE = "13800135246"
TITLE = f"罢免业委会主任张某（电话{PHONE}）"
MATTERS = "罢免业主委员会主任张某，补选委员一名。"
PLACEHOLDER = "（该提议的文字已被隐藏）"
LINE = "该提议的文字已被隐藏（泄露个人信息（如手机号））"


@pytest.fixture
def petition(estate_a, register, owner) -> Petition:
    return actions.open_petition(
        estate_a, actor=owner, title=TITLE, matters=MATTERS, reason="主任长期不履职。"
    )


@pytest.fixture
def moderator(community_official):
    """Who moderates petitions: the community's official, not the estate's moderators."""
    return community_official


def hide(petition, moderator) -> PetitionModeration:
    return actions.hide_petition(petition, actor=moderator, reason=ReportReason.PERSONAL_INFO)


def fresh(petition) -> Petition:
    return Petition.objects.with_events().with_moderation().get(pk=petition.pk)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def list_url(petition) -> str:
    return reverse("petitions:list", args=[petition.estate.slug])


# --- the moderator's act ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee_chair", "committee_member", "property_manager"])
def test_the_committee_its_moderators_and_the_property_company_may_not_hide_a_petition(
    request, client, petition, who, estate_a
):
    """A petition asks the committee to convene a meeting, often against its wishes (here: to
    remove its chair); the committee, the moderators it appoints and the property company
    must not be able to withhold the owners' words, by the action or by the view."""
    from portal.community.choices import RoleKind
    from tests.conftest import _with_role

    users = [request.getfixturevalue(who)]
    users.append(_with_role(RoleKind.MODERATOR, estate=estate_a, display_name="周静"))
    for user in users:
        with pytest.raises(PermissionDenied):
            actions.hide_petition(petition, actor=user, reason=ReportReason.PERSONAL_INFO)
        client.force_login(user)
        url = reverse("petitions:hide", args=[estate_a.slug, petition.pk])
        assert client.post(url, {"reason": ReportReason.PERSONAL_INFO}).status_code == 403
        assert 'name="reason"' not in page(client, user, petition.get_absolute_url())
    assert visibility.is_shown(fresh(petition))


def test_only_a_moderator_of_the_estate_may_hide_a_petition(
    client, petition, owner_building1, committee_chair_b
):
    for user in (owner_building1, committee_chair_b):
        with pytest.raises(PermissionDenied):
            hide(petition, user)
    client.force_login(owner_building1)
    url = reverse("petitions:hide", args=[petition.estate.slug, petition.pk])
    assert client.post(url, {"reason": "personal_info"}).status_code == 403
    assert not PetitionModeration.objects.exists()


def test_hiding_needs_a_reason_and_restoring_needs_a_hiding(petition, moderator):
    with pytest.raises(ValidationError, match="隐藏原因"):
        actions.hide_petition(petition, actor=moderator, reason="")
    with pytest.raises(ValidationError, match="未被隐藏"):
        actions.restore_petition(petition, actor=moderator)


def test_hiding_writes_history_never_the_petition_and_the_history_is_append_only(
    petition, moderator
):
    row = hide(petition, moderator)
    assert Petition.objects.get(pk=petition.pk).title == TITLE  # the legal record stands
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petitionmoderation SET hidden = false")
    actions.restore_petition(petition, actor=moderator)
    assert PetitionModeration.objects.count() == 2
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="petition.h")] == [
        "petition.hidden"
    ]
    assert AuditEvent.objects.filter(action="petition.restored").exists()


def test_the_initiator_is_told_without_a_copy_and_the_inbox_follows_the_state(
    petition, moderator, owner
):
    hide(petition, moderator)
    told = NotificationBatch.objects.get(dedupe_key__contains=":hidden:")
    assert told.recipient_ids == [owner.pk]
    assert PHONE not in told.title + told.body
    assert LINE in message_for(told).body
    actions.restore_petition(petition, actor=moderator)
    assert TITLE in message_for(told).title


# --- every copy follows the hiding; the legal act stands --------------------------------------


def test_the_list_and_the_page_show_the_placeholder_and_the_same_counts(
    client, petition, moderator, owner_building1, owner
):
    hide(petition, moderator)
    for url in (list_url(petition), petition.get_absolute_url()):
        text = page(client, owner_building1, url)
        assert PHONE not in text and "张某" not in text, url
        assert PLACEHOLDER in text and LINE in text
    detail = page(client, owner_building1, petition.get_absolute_url())
    assert MATTERS not in detail and "签名（1）" in detail
    assert detail.count('class="bar-threshold"') == 2
    # The initiator and the moderators read it, marked.
    for reader in (owner, moderator):
        text = page(client, reader, petition.get_absolute_url())
        assert TITLE in text and MATTERS in text and "原文仅发起人、业委会、版主和社区可见" in text


def test_online_signing_waits_but_paper_signatures_and_the_threshold_stand(
    petition, moderator, owner_building1, committee_chair
):
    hide(petition, moderator)
    with pytest.raises(ValidationError, match="暂不能在线签名"):
        actions.sign_petition(petition, actor=owner_building1)
    identity = counting.identity_of(owner_building1, petition.estate)
    actions.enter_paper_signature(
        petition, actor=committee_chair, identity=identity, scan=pdf_scan()
    )
    assert fresh(petition).state == PetitionState.REACHED  # hiding words cancels no legal act


def test_the_committees_inbox_and_the_escalation_show_the_placeholder(
    petition, moderator, owner_building1, committee_chair, community_official
):
    actions.sign_petition(petition, actor=owner_building1)  # reached: the committee is told
    reached = NotificationBatch.objects.get(dedupe_key=f"petition:{petition.pk}:reached")
    assert TITLE in message_for(reached).title
    hide(petition, moderator)
    assert PHONE not in message_for(reached).title + message_for(reached).body
    assert LINE in message_for(reached).body
    due = fresh(petition).announce_due_at
    assert actions.escalate_overdue(now=due + timedelta(minutes=1)) == 1  # the law still runs
    escalated = NotificationBatch.objects.get(dedupe_key=f"petition:{petition.pk}:escalated")
    assert community_official.pk in escalated.recipient_ids
    message = message_for(escalated)
    assert PHONE not in message.title + message.body and LINE in message.body


def test_a_hidden_petition_leaves_the_to_do_list(petition, moderator, owner_building1, estate_a):
    def titles():
        return [str(item.title) for item in todo.todos_for(owner_building1, estate_a)]

    assert TITLE in titles()
    hide(petition, moderator)
    assert all(PHONE not in title for title in titles())


def test_the_dashboard_counts_it_but_names_it_by_the_placeholder(
    client, petition, moderator, owner_building1, community_official, estate_a
):
    actions.sign_petition(petition, actor=owner_building1)
    hide(petition, moderator)
    figures = PetitionFigures()
    period = Period(first=local_today() - timedelta(days=29), last=local_today())
    assert figures.compute([estate_a.pk], period)[estate_a.pk]["waiting"] == 1
    drill = reverse("dashboard:drill", args=[estate_a.slug, "petitions", "waiting"])
    text = page(client, community_official, drill)
    assert PHONE not in text and PLACEHOLDER in text
    with time_machine.travel(fresh(petition).announce_due_at + timedelta(hours=1)):
        alerts = list(figures.alerts([estate_a.pk], period))
    assert alerts and PHONE not in alerts[0].message and PLACEHOLDER in alerts[0].message


def test_the_audit_log_stores_no_title_and_names_a_hidden_petition_by_the_placeholder(
    petition, moderator
):
    opened = AuditEvent.objects.get(action="petition.opened")
    assert PHONE not in opened.object_repr and PHONE not in str(opened.details)
    assert audit.object_label(opened) == TITLE
    hide(petition, moderator)
    assert audit.object_label(opened) == PLACEHOLDER


def test_restoring_brings_the_words_back(client, petition, moderator, owner_building1):
    hide(petition, moderator)
    actions.restore_petition(petition, actor=moderator)
    text = page(client, owner_building1, petition.get_absolute_url())
    assert TITLE in text and MATTERS in text and PLACEHOLDER not in text
    actions.sign_petition(petition, actor=owner_building1)
