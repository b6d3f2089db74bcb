"""A moderator restores or approves the proposal they read, not later words.

Restoring a hidden proposal names the title and body its page showed the moderator
(portal.community.moderation_seen). A held proposal is approved with its discussion's
opening post in the discussion's queue, and that post stays editable by its author while
held: approving older words changes nothing, the proposal stays held.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberation import actions as deliberation
from deliberation.choices import PostStatus, ReportReason
from deliberation.models import DeliberationSettings
from portal.community.models import AuditEvent
from proposals import actions, visibility
from proposals.models import Proposal
from tests.proposals.conftest import notified, propose

pytestmark = pytest.mark.django_db

CHANGED = "内容在您审阅后已被作者修改，请重新审阅后再批准。"
TITLE = "东门增设快递柜"
BODY = "门岗堆满包裹，建议在东门增设智能快递柜。"


@pytest.fixture
def hidden(estate_a, owner, forty_heads, moderator) -> Proposal:
    proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    return actions.hide_proposal(proposal, moderator, reason=ReportReason.ABUSE)


def seen_on_the_page(client, moderator, proposal: Proposal) -> tuple[str, str]:
    client.force_login(moderator)
    page = client.get(proposal.get_absolute_url()).content.decode()
    found = re.search(r'name="seen" value="([0-9a-f]*)"', page)
    assert found, "the restore form carries the fingerprint of the words shown"
    return page, found.group(1)


def restore(client, proposal: Proposal, seen: str):
    url = reverse("proposals:restore", args=[proposal.estate.slug, proposal.pk])
    return client.post(url, {"seen": seen}, follow=True)


def restored(proposal: Proposal) -> bool:
    return AuditEvent.objects.filter(
        action="proposals.restored", object_id=str(proposal.pk)
    ).exists()


def test_restoring_with_the_words_shown_shows_the_proposal_again(client, hidden, moderator):
    page, seen = seen_on_the_page(client, moderator, hidden)
    assert TITLE in page and BODY in page
    restore(client, hidden, seen)
    assert Proposal.objects.get(pk=hidden.pk).hidden_at is None and restored(hidden)


def test_words_changed_after_the_moderator_looked_are_not_restored_unread(
    client, hidden, moderator, owner
):
    """No form edits a proposal today; whatever changes its words (the admin, a data fix, a
    future edit) must not ride on an approval given to other words."""
    _, seen = seen_on_the_page(client, moderator, hidden)
    Proposal.objects.filter(pk=hidden.pk).update(body="<p>联系电话 13900003333</p>")
    hidden_at = hidden.hidden_at

    response = restore(client, hidden, seen)

    assert Proposal.objects.get(pk=hidden.pk).hidden_at is not None and not restored(hidden)
    assert notified(f"proposals:{hidden.pk}:restored:{int(hidden_at.timestamp())}") == set()
    page = response.content.decode()
    assert CHANGED in page and "13900003333" in page

    _, seen_again = seen_on_the_page(client, moderator, hidden)
    restore(client, hidden, seen_again)
    assert Proposal.objects.get(pk=hidden.pk).hidden_at is None and restored(hidden)
    assert owner.pk in notified(f"proposals:{hidden.pk}:restored:{int(hidden_at.timestamp())}")


@pytest.mark.parametrize("seen", [None, "", "0" * 64, "伪造"])
def test_a_missing_or_forged_fingerprint_is_refused(hidden, moderator, seen):
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_proposal(hidden, moderator, seen=seen)
    assert Proposal.objects.get(pk=hidden.pk).hidden_at is not None and not restored(hidden)


def test_the_title_counts_as_much_as_the_body(hidden, moderator):
    seen = hidden.seen_fingerprint
    Proposal.objects.filter(pk=hidden.pk).update(title="东门增设快递柜（联系 13900003333）")
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_proposal(hidden, moderator, seen=seen)


def test_a_held_proposal_is_approved_only_with_its_openings_words_seen(
    estate_a, owner, forty_heads, moderator
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    opening = proposal.thread.posts.get(is_opening=True)
    assert opening.status == PostStatus.HELD and visibility.is_held(proposal)
    seen = opening.seen_fingerprint
    deliberation.edit_post(opening, owner, body="请加业主群：wx_13900004444")  # while read

    with pytest.raises(ValidationError, match=CHANGED):
        deliberation.restore_post(opening, moderator, seen=seen)

    assert visibility.is_held(Proposal.objects.select_related("thread").get(pk=proposal.pk))
    assert not AuditEvent.objects.filter(action="deliberation.post_approved").exists()
    opening.refresh_from_db()
    deliberation.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert visibility.is_shown(Proposal.objects.select_related("thread").get(pk=proposal.pk))
