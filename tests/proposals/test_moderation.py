"""Moderating owners' proposals: a moderator hides a proposal's title and body with a reason,
and every copy follows: the page and the list (a placeholder to other members), search, the
to-do list, notifications already sent, the dashboard, supports, the answer and the
discussion's opening. Reports and the author's request for review work as for posts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import strip_tags

from deliberation.choices import PostStatus, ReportReason, ReportStatus
from deliberation.models import DeliberationSettings
from portal.community.models import AuditEvent
from portal.dashboard.period import Period
from portal.home import todo
from proposals import actions
from proposals.choices import AnswerKind, ProposalStatus
from proposals.dashboard import ProposalFigures
from proposals.models import Proposal, ProposalReport
from search import service
from tests.proposals.conftest import notified, propose

pytestmark = pytest.mark.django_db

TITLE = "东门增设快递柜"
BODY = "门岗堆满包裹，建议在东门增设智能快递柜。"
PLACEHOLDER = "该提案已被隐藏：辱骂攻击"


@pytest.fixture
def proposal(estate_a, owner, forty_heads, django_capture_on_commit_callbacks):
    """王芳's proposal, indexed for search as after a request."""
    with django_capture_on_commit_callbacks(execute=True):
        return propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")


@pytest.fixture
def hidden(proposal, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.hide_proposal(proposal, moderator, reason=ReportReason.ABUSE, note="请文明")


def page_text(client, user, url) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def found(user, text):
    """Return the titles of the results, without the highlighting."""
    return [strip_tags(str(hit.title)) for hit in service.search(user, text).hits]


# --- the act -------------------------------------------------------------------------------


def test_a_moderator_hides_a_proposal_with_a_reason_audited_and_the_author_told(hidden, owner):
    assert hidden.hidden_reason == ReportReason.ABUSE and hidden.hidden_at is not None
    assert AuditEvent.objects.filter(action="proposals.hidden", object_id=str(hidden.pk)).exists()
    assert owner.pk in notified(f"proposals:{hidden.pk}:hidden:{int(hidden.hidden_at.timestamp())}")


@pytest.mark.parametrize("who", ["owner", "committee_chair_b", "property_manager", "tenant"])
def test_only_a_moderator_of_the_estate_may_hide(who, request, proposal):
    with pytest.raises(PermissionDenied):
        actions.hide_proposal(proposal, request.getfixturevalue(who), reason=ReportReason.ABUSE)
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None


def test_hiding_needs_a_reason_from_the_list_and_changes_nothing_without(proposal, moderator):
    with pytest.raises(ValidationError) as refused:
        actions.hide_proposal(proposal, moderator, reason="不喜欢")
    assert refused.value.message_dict == {"reason": ["请选择隐藏原因。"]}
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None


def test_the_committee_chair_moderates_as_for_posts(proposal, committee_chair):
    actions.hide_proposal(proposal, committee_chair, reason=ReportReason.SPAM)
    assert Proposal.objects.get(pk=proposal.pk).hidden_reason == ReportReason.SPAM


def test_restoring_shows_it_again_and_tells_the_author(hidden, moderator, owner):
    hidden_at = hidden.hidden_at
    restored = actions.restore_proposal(hidden, moderator, seen=hidden.seen_fingerprint)
    assert restored.hidden_at is None and restored.hidden_reason == ""
    assert owner.pk in notified(f"proposals:{hidden.pk}:restored:{int(hidden_at.timestamp())}")
    with pytest.raises(ValidationError, match="未被隐藏"):
        actions.restore_proposal(restored, moderator, seen=restored.seen_fingerprint)


# --- every copy ----------------------------------------------------------------------------


def test_another_owner_sees_the_placeholder_on_the_page_and_in_the_list(
    client, hidden, owner_building1, estate_a
):
    detail = page_text(client, owner_building1, hidden.get_absolute_url())
    listing = page_text(client, owner_building1, reverse("proposals:list", args=[estate_a.slug]))
    for page in (detail, listing):
        assert PLACEHOLDER in page
        assert TITLE not in page and BODY not in page
    assert "支持这个提案" not in detail


@pytest.mark.parametrize("who", ["owner", "moderator"])
def test_the_author_and_the_moderators_still_read_the_full_text(client, request, hidden, who):
    page = page_text(client, request.getfixturevalue(who), hidden.get_absolute_url())
    assert PLACEHOLDER in page and TITLE in page and BODY in page


def test_search_drops_a_hidden_proposal_and_finds_it_again_after_restore(
    hidden, moderator, owner_building1, django_capture_on_commit_callbacks
):
    assert found(owner_building1, "快递柜") == []  # the discussion's title went with it
    assert found(moderator, "包裹") == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.restore_proposal(hidden, moderator, seen=hidden.seen_fingerprint)
    assert sorted(found(owner_building1, "快递柜")) == [TITLE, f"提案讨论：{TITLE}"]


def test_a_hidden_proposal_leaves_the_to_do_list(proposal, moderator, owner_building1, estate_a):
    assert TITLE in [item.title for item in todo.todos_for(owner_building1, estate_a)]
    actions.hide_proposal(proposal, moderator, reason=ReportReason.ABUSE)
    assert TITLE not in [item.title for item in todo.todos_for(owner_building1, estate_a)]


def test_notifications_already_sent_show_the_placeholder_in_the_inbox(
    client, estate_a, owner, forty_heads, moderator, django_capture_on_commit_callbacks
):
    reached = propose(estate_a, owner, title=TITLE, body=f"<p>{BODY}</p>")
    with django_capture_on_commit_callbacks(execute=True):  # the author is told: reached
        actions.support_proposal(reached, forty_heads[0])
    inbox = reverse("notifications:inbox")
    assert TITLE in page_text(client, owner, inbox)
    actions.hide_proposal(reached, moderator, reason=ReportReason.ABUSE)
    page = page_text(client, owner, inbox)
    assert PLACEHOLDER in page and TITLE not in page


def test_the_discussions_opening_that_quotes_the_title_is_hidden_and_restored_with_it(
    client, hidden, moderator, owner_building1
):
    thread = hidden.thread
    opening = thread.posts.get(is_opening=True)
    assert opening.status == PostStatus.HIDDEN
    thread_page = page_text(client, owner_building1, thread.get_absolute_url())
    assert TITLE not in thread_page
    actions.restore_proposal(hidden, moderator, seen=hidden.seen_fingerprint)
    opening.refresh_from_db()
    assert opening.status == PostStatus.PUBLISHED


def test_an_opening_hidden_before_the_proposal_stays_hidden_when_it_is_restored(
    proposal, moderator
):
    from deliberation import actions as deliberation

    opening = proposal.thread.posts.get(is_opening=True)
    deliberation.hide_post(opening, moderator, reason=ReportReason.SPAM)
    actions.hide_proposal(proposal, moderator, reason=ReportReason.ABUSE)
    actions.restore_proposal(proposal, moderator, seen=proposal.seen_fingerprint)
    opening.refresh_from_db()
    assert opening.status == PostStatus.HIDDEN and opening.hidden_reason == ReportReason.SPAM


def test_no_new_support_on_a_hidden_proposal(hidden, owner_building1):
    with pytest.raises(ValidationError, match="该提案已被版主隐藏，暂不能支持。"):
        actions.support_proposal(hidden, owner_building1)


def test_the_support_button_refuses_with_a_chinese_message(client, hidden, owner_building1):
    client.force_login(owner_building1)
    response = client.post(reverse("proposals:support", args=[hidden.estate.slug, hidden.pk]))
    page = client.get(response.url).content.decode()
    assert "该提案已被版主隐藏，暂不能支持。" in page


def test_the_committee_cannot_answer_a_hidden_proposal(
    estate_a, owner, forty_heads, moderator, committee_chair
):
    reached = propose(estate_a, owner, title=TITLE)
    actions.support_proposal(reached, forty_heads[0])
    actions.hide_proposal(reached, moderator, reason=ReportReason.ABUSE)
    with pytest.raises(ValidationError, match="恢复显示后才能答复"):
        actions.answer_proposal(
            reached, committee_chair, actions.Answer(kind=AnswerKind.REJECT, text="不同意")
        )
    assert Proposal.objects.get(pk=reached.pk).status == ProposalStatus.AWAITING_ANSWER


def test_a_hidden_proposal_is_out_of_the_dashboard_and_counts_overdue_once_restored(
    estate_a, owner, forty_heads, moderator
):
    reached = propose(estate_a, owner, title=TITLE)
    actions.support_proposal(reached, forty_heads[0])
    reached.refresh_from_db()
    actions.hide_proposal(reached, moderator, reason=ReportReason.ABUSE)
    with time_machine.travel(reached.answer_due_at + timedelta(days=1)):
        period = Period.default()
        figures = ProposalFigures().compute([estate_a.pk], period)[estate_a.pk]
        assert (figures["reached"], figures["overdue"]) == (0, 0)
        assert list(ProposalFigures().alerts([estate_a.pk], period)) == []
        assert actions.overdue().count() == 0
        actions.restore_proposal(reached, moderator, seen=reached.seen_fingerprint)
        figures = ProposalFigures().compute([estate_a.pk], period)[estate_a.pk]
        assert (figures["reached"], figures["overdue"]) == (1, 1)


# --- reports and review --------------------------------------------------------------------


def test_a_member_reports_once_and_not_their_own(proposal, owner, owner_building1):
    actions.report_proposal(proposal, owner_building1, reason=ReportReason.RUMOUR)
    with pytest.raises(ValidationError, match="已经举报过"):
        actions.report_proposal(proposal, owner_building1, reason=ReportReason.RUMOUR)
    with pytest.raises(ValidationError, match="不能举报自己的提案"):
        actions.report_proposal(proposal, owner, reason=ReportReason.RUMOUR)
    assert ProposalReport.objects.filter(proposal=proposal).count() == 1


def test_an_outsider_may_not_report(proposal, outsider):
    with pytest.raises(PermissionDenied):
        actions.report_proposal(proposal, outsider, reason=ReportReason.SPAM)
    assert not ProposalReport.objects.exists()


def test_the_estates_report_threshold_hides_it_for_review(proposal, forty_heads, owner):
    DeliberationSettings.objects.update_or_create(
        estate=proposal.estate, defaults={"hide_threshold": 2}
    )
    actions.report_proposal(proposal, forty_heads[0], reason=ReportReason.SPAM)
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None
    actions.report_proposal(proposal, forty_heads[1], reason=ReportReason.SPAM)
    proposal.refresh_from_db()
    assert proposal.hidden_reason == ReportReason.SPAM and proposal.review_pending
    assert proposal.hidden_by is None
    assert owner.pk in notified(
        f"proposals:{proposal.pk}:hidden:{int(proposal.hidden_at.timestamp())}"
    )


def test_restoring_dismisses_the_open_reports(proposal, owner_building1, moderator):
    actions.report_proposal(proposal, owner_building1, reason=ReportReason.SPAM)
    actions.hide_proposal(proposal, moderator, reason=ReportReason.SPAM)
    assert ProposalReport.objects.get().status == ReportStatus.UPHELD


def test_the_author_asks_for_review_once_per_hiding(hidden, owner, owner_building1, estate_a):
    from portal.community.choices import RoleKind
    from tests.conftest import _with_role

    # Another moderator than the one who hid it answers the request (as a post's appeal).
    second_moderator = _with_role(RoleKind.MODERATOR, estate=estate_a, display_name="吴版主")
    with pytest.raises(PermissionDenied):
        actions.request_review(hidden, owner_building1, text="我觉得没问题")
    with pytest.raises(ValidationError) as empty:
        actions.request_review(hidden, owner, text="  ")
    assert empty.value.message_dict == {"text": ["请写明申请复核的理由。"]}
    actions.request_review(hidden, owner, text="我没有骂人，只是陈述事实。")
    assert Proposal.objects.get(pk=hidden.pk).review_awaited
    actions.hide_proposal(hidden, second_moderator, reason=ReportReason.ABUSE)  # confirmed
    hidden.refresh_from_db()
    assert not hidden.review_awaited
    with pytest.raises(ValidationError, match="每次隐藏只能申请复核一次"):
        actions.request_review(hidden, owner, text="再看一次")


def test_a_shown_proposal_needs_no_review(proposal, owner):
    with pytest.raises(ValidationError, match="只有被隐藏的提案"):
        actions.request_review(proposal, owner, text="看看")


def test_the_hide_form_says_what_is_missing_in_chinese_and_changes_nothing(
    client, proposal, moderator
):
    client.force_login(moderator)
    response = client.post(reverse("proposals:hide", args=[proposal.estate.slug, proposal.pk]))
    assert response.status_code == 400
    assert "请选择隐藏原因。" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None


def test_an_owner_cannot_reach_the_hide_url(client, proposal, owner_building1):
    client.force_login(owner_building1)
    response = client.post(
        reverse("proposals:hide", args=[proposal.estate.slug, proposal.pk]), {"reason": "abuse"}
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).hidden_at is None
