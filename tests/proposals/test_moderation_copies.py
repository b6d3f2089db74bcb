"""A hostile audit of the copies of an owner's proposal (see tests/test_moderation_copies.py).

Proposals have their own moderation beside the posts' (proposals.moderation), and copies of
their own: the discussion thread they open (its title and opening post quote the proposal),
the list, the page, search and its suggestions, the to-do list, the dashboard's drill-down,
notifications, agenda and action-item links. Each is attacked with the real moderation
actions: a moderator's hiding, the estate's pre-moderation and sensitive words, restoring the
copy on its own, and a reader who left the estate.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import strip_tags

from deliberation import actions as deliberation
from deliberation.choices import PostStatus, ReportReason
from deliberation.models import DeliberationSettings, SensitiveWord
from deliberation.oversight import references
from portal.accounts.models import User
from portal.community import actions as community_actions
from portal.community.choices import RoleKind
from portal.community.models import Role
from portal.home import todo
from proposals import actions
from proposals.models import Proposal
from search import service
from tests.conftest import _with_role
from tests.proposals.conftest import propose

pytestmark = pytest.mark.django_db

TITLE = "东门增设智能快递柜方案"
BODY = "门岗堆满包裹，建议在东门增设智能快递柜，联系人电话 13900007777。"
PHONE = "13900007777"


def page(client, user, url: str) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def found(user, text: str) -> str:
    outcome = service.search(user, text)
    return "\n".join(
        [*(strip_tags(f"{hit.title} {hit.snippet}") for hit in outcome.hits), *outcome.suggestions]
    )


def todo_titles(user, estate) -> list[str]:
    return [str(item.title) for item in todo.todos_for(user, estate)]


@pytest.fixture
def second_moderator(estate_a):
    return _with_role(RoleKind.MODERATOR, estate=estate_a, display_name="吴版主")


@pytest.fixture
def proposal(estate_a, owner, forty_heads, django_capture_on_commit_callbacks) -> Proposal:
    with django_capture_on_commit_callbacks(execute=True):
        return propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")


# --- held for review with its discussion ------------------------------------------------------


def assert_out_of_every_copy(client, proposal, reader, estate) -> None:
    """Nothing of the proposal's words reaches a member who may not read them."""
    for url in (reverse("proposals:list", args=["jinxiu"]), proposal.get_absolute_url()):
        text = page(client, reader, url)
        assert TITLE not in text and PHONE not in text, url
    assert TITLE not in found(reader, "快递柜") and PHONE not in found(reader, PHONE)
    assert TITLE not in found(reader, "东门增设智能快递柜方桉")  # no "did you mean" either
    assert TITLE not in todo_titles(reader, estate)
    assert references.describe_for(Proposal.objects.get(pk=proposal.pk), reader).label != TITLE


def test_under_premoderation_a_proposal_waits_for_a_moderator_in_every_copy(
    client,
    estate_a,
    owner,
    owner_building1,
    forty_heads,
    moderator,
    django_capture_on_commit_callbacks,
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    assert_out_of_every_copy(client, proposal, owner_building1, estate_a)
    with pytest.raises(ValidationError, match="待版主审核"):
        actions.support_proposal(proposal, forty_heads[0])
    # Its author reads it, marked as waiting; the moderators are told and review it.
    text = page(client, owner, proposal.get_absolute_url())
    assert TITLE in text and "该提案待版主审核" in text

    opening = proposal.thread.posts.get(is_opening=True)
    with django_capture_on_commit_callbacks(execute=True):
        deliberation.restore_post(
            opening, moderator, seen=opening.seen_fingerprint
        )  # approved in the discussion's queue
    assert TITLE in page(client, owner_building1, reverse("proposals:list", args=["jinxiu"]))
    assert TITLE in found(owner_building1, "快递柜")
    assert TITLE in todo_titles(owner_building1, estate_a)
    actions.support_proposal(proposal, forty_heads[0])


def test_a_sensitive_word_in_the_body_alone_holds_the_proposal(
    client, estate_a, owner, owner_building1, forty_heads, django_capture_on_commit_callbacks
):
    SensitiveWord.objects.create(estate=estate_a, word=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    assert proposal.thread.is_held
    assert_out_of_every_copy(client, proposal, owner_building1, estate_a)


# --- the discussion's opening is a copy of the proposal ---------------------------------------


@pytest.fixture
def hidden(proposal, moderator, django_capture_on_commit_callbacks) -> Proposal:
    with django_capture_on_commit_callbacks(execute=True):
        return actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)


def test_the_discussions_opening_cannot_be_shown_again_on_its_own(
    client, hidden, owner, owner_building1, moderator, second_moderator
):
    opening = hidden.thread.posts.get(is_opening=True)
    assert opening.status == PostStatus.HIDDEN
    with pytest.raises(ValidationError, match="随业主提案一并隐藏"):
        deliberation.restore_post(opening, second_moderator, seen=opening.seen_fingerprint)
    with pytest.raises(ValidationError, match="随业主提案一并隐藏"):
        deliberation.appeal(opening, owner, text="标题没有问题。")  # the author wrote both
    seen = {opening.pk: opening.seen_fingerprint}
    assert deliberation.moderate_posts([opening], moderator, action="restore", seen=seen) == 0
    deliberation.dismiss_reports(opening, moderator, seen=opening.seen_fingerprint)
    opening.refresh_from_db()
    assert opening.status == PostStatus.HIDDEN
    thread_page = page(client, owner_building1, hidden.thread.get_absolute_url())
    assert TITLE not in thread_page

    actions.restore_proposal(
        hidden, second_moderator, seen=hidden.seen_fingerprint
    )  # the way back: with the proposal
    opening.refresh_from_db()
    assert opening.status == PostStatus.PUBLISHED
    assert TITLE in page(client, owner_building1, hidden.thread.get_absolute_url())


def test_a_held_opening_is_not_approved_while_its_proposal_is_hidden(
    client, estate_a, owner, owner_building1, forty_heads, moderator
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    proposal = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    opening = proposal.thread.posts.get(is_opening=True)
    with pytest.raises(ValidationError, match="随业主提案一并隐藏"):
        deliberation.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    queue = reverse("deliberation:moderation_queue", args=["jinxiu"])
    client.force_login(moderator)
    client.post(
        queue,
        {
            "posts": [opening.pk],
            "action": "restore",
            f"seen-{opening.pk}": opening.seen_fingerprint,
        },
    )
    proposal.thread.refresh_from_db()
    assert proposal.thread.is_held
    assert TITLE not in page(client, owner_building1, reverse("proposals:list", args=["jinxiu"]))


# --- the author's request for review, as a post's appeal --------------------------------------


def test_the_moderator_who_hid_a_proposal_cannot_confirm_it_on_review(
    hidden, owner, moderator, second_moderator
):
    actions.request_review(hidden, owner, text="电话是物业公示的值班电话。")
    with pytest.raises(PermissionDenied, match="另一位版主"):
        actions.hide_proposal(hidden, moderator, reason=ReportReason.PERSONAL_INFO)
    assert Proposal.objects.get(pk=hidden.pk).review_awaited
    actions.hide_proposal(hidden, second_moderator, reason=ReportReason.PERSONAL_INFO)
    assert not Proposal.objects.get(pk=hidden.pk).review_awaited


# --- copies read later: the dashboard, references, a reader who left ---------------------------


def test_the_drill_down_of_reached_proposals_leaves_out_a_hidden_one(
    client, proposal, forty_heads, moderator, community_official
):
    actions.support_proposal(proposal, forty_heads[0])
    drill = reverse("dashboard:drill", args=["jinxiu", "proposals", "reached"])
    assert TITLE in page(client, community_official, drill)
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    assert TITLE not in page(client, community_official, drill)


def test_agenda_and_action_item_links_to_a_hidden_proposal_show_the_placeholder(
    hidden, owner_building1, owner
):
    assert references.describe_for(hidden, owner_building1).label == "（该提案已被隐藏）"


def test_staff_who_left_no_longer_read_a_proposal_in_their_inbox(
    client, proposal, forty_heads, property_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the parties are told: reached
        actions.support_proposal(proposal, forty_heads[0])
    inbox = reverse("notifications:inbox")
    assert TITLE in page(client, property_staff, inbox)
    community_actions.revoke_role(Role.objects.get(user=property_staff))
    text = page(client, User.objects.get(pk=property_staff.pk), inbox)
    assert TITLE not in text and "您已无权查看该内容" in text


def test_an_owner_of_another_estate_finds_nothing_of_the_proposal(client, proposal, outsider):
    for url in (reverse("proposals:list", args=["jinxiu"]), proposal.get_absolute_url()):
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 403 and TITLE not in response.content.decode()
    assert TITLE not in found(outsider, "快递柜")
    assert TITLE not in found(outsider, "东门增设智能快递柜方桉")
    assert TITLE not in todo_titles(outsider, None)


def test_a_hidden_proposal_is_not_offered_as_a_did_you_mean(proposal, owner_building1, moderator):
    assert TITLE in found(owner_building1, "东门增设智能快递柜方桉")
    actions.hide_proposal(proposal, moderator, reason=ReportReason.PERSONAL_INFO)
    assert TITLE not in found(owner_building1, "东门增设智能快递柜方桉")
