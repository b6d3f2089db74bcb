"""A moderator approves the opinion they read, not what its author wrote afterwards.

A held opinion stays editable until the consultation closes. The report page's approve form
carries the fingerprint of the words it showed (portal.community.moderation_seen); approving
older words, no words or forged ones changes nothing: the opinion stays held, nothing is
audited as approved and its author is told nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from consultations import actions
from consultations.models import Opinion
from deliberation.choices import ReportReason
from deliberation.models import DeliberationSettings
from portal.community.models import AuditEvent
from portal.notifications.models import NotificationBatch
from tests.consultations.conftest import section, valid_answers

pytestmark = pytest.mark.django_db

CHANGED = "内容在您审阅后已被作者修改，请重新审阅后再批准。"
READ = "建议地面车位抽签分配。"
LATER = "建议地面车位抽签分配。3栋赵某的车牌是沪A12345。"


@pytest.fixture
def held(consultation, estate_a, owner) -> Opinion:
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    write(consultation, owner, READ)
    opinion = Opinion.objects.get()
    assert opinion.held_reason
    return opinion


def write(consultation, owner, words: str) -> None:
    actions.submit_response(
        consultation,
        owner,
        answers=valid_answers(consultation),
        opinions={section(consultation, 2).anchor: words},
    )


def seen_on_the_report(client, moderator, consultation, opinion: Opinion) -> tuple[str, str]:
    """Open the report page as the moderator; return it and the fingerprint its form carries."""
    client.force_login(moderator)
    response = client.get(consultation.subpage_url("report"))
    assert response.status_code == 200
    page = response.content.decode()
    found = re.search(
        rf'name="opinion" value="{opinion.pk}"><input type="hidden" name="action" '
        r'value="restore"><input type="hidden" name="seen" value="([0-9a-f]*)"',
        page,
    )
    assert found, "the approve form carries the fingerprint of the words shown"
    return page, found.group(1)


def approve(client, consultation, opinion: Opinion, seen: str):
    return client.post(
        consultation.subpage_url("moderate_opinion"),
        {"opinion": opinion.pk, "action": "restore", "seen": seen},
        follow=True,
    )


def approved() -> bool:
    return AuditEvent.objects.filter(action="consultation.opinion_approved").exists()


def test_approving_the_words_shown_publishes_them(client, consultation, held, moderator):
    page, seen = seen_on_the_report(client, moderator, consultation, held)
    assert READ in page
    approve(client, consultation, held, seen)
    assert Opinion.objects.get(pk=held.pk).held_reason == "" and approved()


def test_an_edit_after_the_moderator_looked_is_not_published_unread(
    client, consultation, held, moderator, owner
):
    _, seen = seen_on_the_report(client, moderator, consultation, held)
    write(consultation, owner, LATER)  # while the moderator reads
    told_before = NotificationBatch.objects.count()

    response = approve(client, consultation, held, seen)

    opinion = Opinion.objects.get(pk=held.pk)
    assert opinion.held_reason and "沪A12345" in opinion.body
    assert not approved()
    assert NotificationBatch.objects.count() == told_before
    page = response.content.decode()
    assert CHANGED in page and "沪A12345" in page  # the message, beside the new words

    _, seen_again = seen_on_the_report(client, moderator, consultation, opinion)
    assert seen_again != seen
    approve(client, consultation, opinion, seen_again)
    assert Opinion.objects.get(pk=held.pk).held_reason == "" and approved()


@pytest.mark.parametrize("seen", [None, "", "f" * 64, "伪造"])
def test_a_missing_or_forged_fingerprint_is_refused(held, moderator, seen):
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_opinion(held, moderator, seen=seen)
    assert Opinion.objects.get(pk=held.pk).held_reason and not approved()


def test_the_form_without_a_fingerprint_approves_nothing(client, consultation, held, moderator):
    client.force_login(moderator)
    client.post(
        consultation.subpage_url("moderate_opinion"), {"opinion": held.pk, "action": "restore"}
    )
    assert Opinion.objects.get(pk=held.pk).held_reason and not approved()


def test_restoring_a_hidden_opinion_names_its_words_too(consultation, owner, moderator):
    write(consultation, owner, READ)
    opinion = actions.hide_opinion(Opinion.objects.get(), moderator, reason=ReportReason.ABUSE)
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_opinion(opinion, moderator, seen="")
    assert Opinion.objects.get(pk=opinion.pk).hidden_at is not None
    assert not AuditEvent.objects.filter(action="consultation.opinion_restored").exists()
    actions.restore_opinion(opinion, moderator, seen=opinion.seen_fingerprint)
    assert Opinion.objects.get(pk=opinion.pk).hidden_at is None
