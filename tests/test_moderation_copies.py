"""A hostile audit: every copy of a member's words follows its moderation state and its readers.

The rule (ARCHITECTURE §10): one visibility function per kind of content, asked by every copy.
Each test makes the content, lets every copy be made (the fan-out runs as after a request,
search is indexed), hides it through the real moderation action, and reads the copy as a
member who may not see the words; where the product promises it, the author or a moderator
still sees them marked. The members-only rule is attacked too: another estate's owner, and a
tenant whose tenancy ended, read nothing of the discussion through any copy.

Copies of posts already attacked elsewhere (tests/deliberation/test_copies_follow_moderation.py:
inbox, email, digest, SMS, search, thread list, dashboard drill-down, feeds, exports, open
data) are not repeated; proposals are in tests/proposals/test_moderation_copies.py.

Long because: one copy per test, each with the setup its copy needs (a disclosure, a notice,
a digest day); grouping them by copy keeps every attack next to its control.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.choices import PostStatus, ReportReason, ThreadKind
from deliberation.models import DeliberationSettings, SensitiveWord, Thread
from deliberation.oversight import actions as oversight
from deliberation.oversight import references
from portal.accounts.export import personal_data
from portal.accounts.models import User
from portal.accounts.sms import LocmemSMSBackend
from portal.community import actions as community_actions
from portal.community.choices import Party, RoleKind
from portal.community.models import AuditEvent, Role
from portal.home import todo
from portal.notifications import actions as notification_actions
from portal.notifications import tasks
from portal.notifications.choices import DeliveryStatus, EmailMode, SkipReason
from portal.notifications.models import Delivery, Notification
from portal.notifications.wechat import LocmemWeChatBackend
from search import service
from tests.factories import WeChatAccountFactory

pytestmark = pytest.mark.django_db

PHONE = "13900004321"
TITLE = f"6栋车位被占，车主电话{PHONE}"
REPLY_PHONE = "13700008765"
REPLY = f"我也被占过，那人电话 {REPLY_PHONE}。"
PLACEHOLDER = "（该议题的首帖已隐藏或删除）"


@pytest.fixture
def parking(estate_a, owner, django_capture_on_commit_callbacks) -> Thread:
    """王芳 starts a topic whose title and tag carry a neighbour's mobile number."""
    with django_capture_on_commit_callbacks(execute=True):
        return actions.start_thread(
            estate_a,
            owner,
            kind=ThreadKind.TOPIC,
            title=TITLE,
            body="每天晚上都被占，大家说怎么办。",
            tags=[f"车主{PHONE}"],
        )


@pytest.fixture
def opening(parking):
    return parking.posts.get(is_opening=True)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    return response.content.decode()


def inbox(client, user) -> str:
    return page(client, user, reverse("notifications:inbox"))


def found(user, text: str) -> str:
    """Everything a search shows this reader: titles, snippets and suggestions."""
    outcome = service.search(user, text)
    shown = [f"{hit.title} {hit.snippet}" for hit in outcome.hits]
    return "\n".join([*shown, *outcome.suggestions])


def exported(user) -> str:
    return json.dumps(personal_data(user), ensure_ascii=False, default=str)


def end_tenancy(tenant):
    """End the tenancy; return the account as the next request reads it (roles afresh)."""
    community_actions.revoke_role(Role.objects.get(user=tenant, kind=RoleKind.RESIDENT))
    return User.objects.get(pk=tenant.pk)


# --- a thread's tags are written with its title ---------------------------------------------


def test_a_threads_tags_leave_the_list_and_the_page_with_its_title_and_come_back(
    client, parking, opening, owner_building1, moderator
):
    thread_list = reverse("deliberation:thread_list", args=["jinxiu"])
    assert PHONE in page(client, owner_building1, thread_list)

    actions.hide_post(opening, moderator, reason=ReportReason.PERSONAL_INFO)
    for url in (thread_list, parking.get_absolute_url()):
        text = page(client, owner_building1, url)
        assert PHONE not in text and PLACEHOLDER in text
    # Nor can the tag be used to find the thread (the page echoes only the reader's own query).
    filtered = page(client, owner_building1, f"{thread_list}?tag=车主{PHONE}")
    assert PLACEHOLDER not in filtered and "还没有符合条件的议题" in filtered

    actions.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert PHONE in page(client, owner_building1, parking.get_absolute_url())


def test_a_sensitive_word_in_a_tag_holds_the_thread_like_one_in_its_title(
    client, estate_a, owner, owner_building1, moderator
):
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    thread = actions.start_thread(
        estate_a,
        owner,
        kind=ThreadKind.TOPIC,
        title="闲置物品",
        body="有需要的联系我。",
        tags=["代开发票"],
    )
    assert thread.is_held
    listing = page(client, owner_building1, reverse("deliberation:thread_list", args=["jinxiu"]))
    assert "代开发票" not in listing and "闲置物品" not in listing
    # The moderators review the tag with the title, in their queue.
    queue = reverse("deliberation:moderation_queue", args=["jinxiu"])
    assert "#代开发票" in page(client, moderator, queue)


# --- the page's title, the forms about a post, references -----------------------------------


def test_the_browser_title_and_the_forms_about_a_post_carry_no_withheld_title(
    client, parking, opening, owner_building1, moderator
):
    reply = actions.add_post(parking, owner_building1, body="同意，应该找物业。")
    actions.hide_post(opening, moderator, reason=ReportReason.PERSONAL_INFO)
    for url in (
        parking.get_absolute_url(),
        reverse("deliberation:post_report", args=["jinxiu", reply.pk]),
        reverse("deliberation:post_edit", args=["jinxiu", reply.pk]),
    ):
        text = page(client, owner_building1, url)
        assert PHONE not in text, url
        assert f"<title>{PLACEHOLDER}" in text or PLACEHOLDER in text


def test_agenda_and_action_item_links_to_the_thread_show_the_placeholder(
    client, parking, opening, owner_building1, committee_chair, moderator
):
    item = oversight.create_action_item(
        parking.estate,
        actor=committee_chair,
        title="清理 6 栋占用车位",
        responsible_party=Party.PROPERTY,
        due_date=timezone.localdate() + timedelta(days=7),
        source=parking,
    )
    assert PHONE in page(client, owner_building1, item.get_absolute_url())
    actions.hide_post(opening, moderator, reason=ReportReason.PERSONAL_INFO)
    assert PHONE not in page(client, owner_building1, item.get_absolute_url())
    parking.refresh_from_db()
    assert references.describe_for(parking, owner_building1).label == PLACEHOLDER


def test_a_page_lists_the_threads_about_it_by_their_titles_as_shown(
    client, estate_a, owner, owner_building1, moderator
):
    from tests.search.conftest import make_notice

    notice = make_notice(estate_a, "6栋车位划线施工公告", summary="下周一起施工。")
    thread = actions.start_thread(
        estate_a, owner, kind=ThreadKind.TOPIC, title=TITLE, body="施工期间车停哪里？", page=notice
    )
    assert PHONE in page(client, owner_building1, notice.url)
    actions.hide_post(thread.posts.get(is_opening=True), moderator, reason="personal_info")
    text = page(client, owner_building1, notice.url)
    assert PHONE not in text and PLACEHOLDER in text


def test_a_question_on_a_disclosure_line_follows_its_moderation_beside_the_line(
    client, estate_a, owner, owner_building1, property_manager, committee_chair, moderator
):
    from disclosures import actions as disclosures
    from disclosures.choices import ReviewDecision
    from tests.disclosures.helpers import workbook

    draft = disclosures.import_disclosure(
        estate_a, property_manager, workbook(), file_name="q.xlsx"
    )
    disclosures.submit_for_review(draft, property_manager)
    for line in draft.lines.all():
        disclosures.review_line(line, committee_chair, decision=ReviewDecision.CONFIRMED)
    disclosures.publish(draft, committee_chair)
    line = draft.lines.get(label="电梯广告")
    question = disclosures.ask_about_line(line, owner, body="为什么少了？")
    answer = actions.add_post(
        question.thread, property_manager, official=True, body=f"请联系经办人 {REPLY_PHONE}。"
    )
    url = f"/disclosures/{estate_a.slug}/{draft.pk}/"
    assert REPLY_PHONE in page(client, owner_building1, url)
    actions.hide_post(answer, moderator, reason=ReportReason.PERSONAL_INFO)
    assert REPLY_PHONE not in page(client, owner_building1, url)
    actions.restore_post(answer, moderator, seen=answer.seen_fingerprint)
    assert REPLY_PHONE in page(client, owner_building1, url)


def test_the_audit_screen_names_the_thread_as_readers_may_see_it(
    client, settings, parking, opening, property_manager, moderator
):
    """The property company reads the estate's audit log but not withheld words."""
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    # A row written before the log stopped storing titles still carries the words.
    AuditEvent.objects.create(
        action="deliberation.thread_started",
        estate=parking.estate,
        object_type="deliberation.thread",
        object_id=str(parking.pk),
        object_repr=TITLE,
    )
    audit_screen = reverse("community_audit:index")
    assert PHONE in page(client, property_manager, audit_screen)
    assert not AuditEvent.objects.exclude(object_repr=TITLE).filter(object_repr__contains=PHONE)

    actions.hide_post(opening, moderator, reason=ReportReason.PERSONAL_INFO)
    text = page(client, property_manager, audit_screen)
    assert "deliberation.post_hidden" in text
    assert PHONE not in text and PLACEHOLDER in text


# --- the copy of one's own data --------------------------------------------------------------


def test_a_repliers_data_copy_shows_the_thread_title_as_members_see_it(
    parking, opening, owner, owner_building1, moderator
):
    actions.add_post(parking, owner_building1, body="同意，应该找物业。")
    assert PHONE in exported(owner_building1)
    actions.hide_post(opening, moderator, reason=ReportReason.PERSONAL_INFO)
    data = exported(owner_building1)
    assert PHONE not in data and PLACEHOLDER in data
    # The author's own copy keeps their own words (they may read their hidden post).
    assert TITLE in exported(owner)


def test_the_data_copy_of_the_inbox_reads_as_the_inbox(
    client, parking, owner, owner_building1, tenant, moderator, django_capture_on_commit_callbacks
):
    actions.follow(parking, owner_building1)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.add_post(parking, tenant, body=REPLY)
    notifications = personal_data(owner_building1)["notifications"]
    assert any(REPLY_PHONE in item["body"] for item in notifications)
    actions.hide_post(reply, moderator, reason=ReportReason.PERSONAL_INFO)
    assert REPLY_PHONE not in exported(owner_building1)
    assert "该内容已被隐藏" in exported(owner_building1)


# --- WeChat ----------------------------------------------------------------------------------


def test_a_wechat_message_about_a_reply_hidden_before_it_went_out_is_not_sent(
    parking, owner, tenant, moderator, django_capture_on_commit_callbacks
):
    WeChatAccountFactory(user=owner, uid="oWangFang0001")
    LocmemWeChatBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=False) as pending:
        reply = actions.add_post(parking, tenant, body=REPLY)
    actions.hide_post(reply, moderator, reason=ReportReason.PERSONAL_INFO)
    for callback in pending:
        callback()
    assert LocmemWeChatBackend.outbox == []
    wechat = Delivery.objects.get(user=owner, channel="wechat")
    assert (wechat.status, wechat.skip_reason) == (DeliveryStatus.SKIPPED, SkipReason.WITHHELD)


# --- members only: another estate, and a membership that ended -------------------------------


def test_an_owner_of_another_estate_reads_nothing_of_the_thread_through_any_copy(
    client, parking, outsider, owner_building1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(parking, owner_building1, body=REPLY)
    client.force_login(outsider)
    for url in (
        reverse("deliberation:thread_list", args=["jinxiu"]),
        parking.get_absolute_url(),
        reverse("dashboard:drill", args=["jinxiu", "issues", "reports"]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert PHONE not in response.content.decode()
    for query in (PHONE, REPLY_PHONE, "车位被占", "6栋车位被站"):
        assert found(outsider, query) == "", query
    for text in (inbox(client, outsider), exported(outsider)):
        assert PHONE not in text and REPLY_PHONE not in text


@pytest.fixture
def following_tenant(parking, tenant):
    """张敏, a tenant, follows the thread: every reply reaches her."""
    actions.follow(parking, tenant)
    return tenant


def test_a_tenant_who_moved_out_no_longer_reads_the_thread_in_her_inbox_or_search(
    client, parking, following_tenant, owner_building1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(parking, owner_building1, body=REPLY)
    assert REPLY_PHONE in inbox(client, following_tenant)
    assert PHONE in found(following_tenant, PHONE)

    following_tenant = end_tenancy(following_tenant)
    text = inbox(client, following_tenant)
    assert PHONE not in text and REPLY_PHONE not in text and "车位被占" not in text
    assert "您已无权查看该内容" in text
    assert found(following_tenant, PHONE) == ""
    assert todo.todos_for(following_tenant) == []


def test_a_tenant_who_moved_out_hears_nothing_of_later_replies(
    client, parking, following_tenant, owner_building1, django_capture_on_commit_callbacks
):
    end_tenancy(following_tenant)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(parking, owner_building1, body=REPLY)
        actions.add_post(parking, owner_building1, official=False, body="再补充一句。")
    assert not Notification.objects.filter(user=following_tenant).exists()
    assert not [m for m in mail.outbox if following_tenant.email in m.to]


def test_email_and_sms_waiting_when_the_tenancy_ends_are_not_sent(
    client,
    parking,
    following_tenant,
    property_staff,
    django_capture_on_commit_callbacks,
):
    # An official answer is "important": email and SMS, unless its reader has left by then.
    with django_capture_on_commit_callbacks(execute=False) as pending:
        actions.add_post(parking, property_staff, official=True, body=f"车主电话 {REPLY_PHONE}")
    end_tenancy(following_tenant)
    for callback in pending:
        callback()
    assert not [m for m in mail.outbox if following_tenant.email in m.to]
    assert not [m for m in LocmemSMSBackend.outbox if m.to == following_tenant.phone]
    assert not Delivery.objects.filter(user=following_tenant).exists()
    assert REPLY_PHONE not in inbox(client, following_tenant)


def test_the_digest_leaves_out_what_a_former_tenant_may_no_longer_read(
    parking,
    following_tenant,
    owner_building1,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to("2026-11-28 09:00 +08:00", tick=False)
    notification_actions.save_preferences(
        following_tenant, email_mode=EmailMode.DAILY_DIGEST, enabled={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(parking, owner_building1, body=REPLY)
    end_tenancy(following_tenant)
    time_machine.move_to("2026-11-28 19:00 +08:00", tick=False)
    tasks.send_daily_digests()
    digests = [m for m in mail.outbox if following_tenant.email in m.to]
    assert not [m for m in digests if REPLY_PHONE in m.body or "车位" in m.body]
    delivery = Delivery.objects.get(user=following_tenant, channel="email")
    assert (delivery.status, delivery.skip_reason) == (
        DeliveryStatus.SKIPPED,
        SkipReason.NOT_A_READER,
    )


def test_the_reader_who_stays_a_member_still_reads_everything(
    client, parking, following_tenant, owner_building1, django_capture_on_commit_callbacks
):
    """The control: the same steps without the tenancy ending show the words."""
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(parking, owner_building1, body=REPLY)
    assert REPLY_PHONE in inbox(client, following_tenant)
    assert [m for m in mail.outbox if following_tenant.email in m.to and REPLY_PHONE in m.body]


# --- pre-moderation ----------------------------------------------------------------------------


def test_a_premoderated_reply_is_in_no_copy_until_approved(
    client,
    estate_a,
    parking,
    following_tenant,
    owner_building1,
    moderator,
    django_capture_on_commit_callbacks,
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.add_post(parking, owner_building1, body=REPLY)
    assert reply.status == PostStatus.HELD
    assert REPLY_PHONE not in inbox(client, following_tenant)
    assert REPLY_PHONE not in page(client, following_tenant, parking.get_absolute_url())
    assert REPLY_PHONE not in found(following_tenant, "我也被占过")
    assert REPLY_PHONE not in exported(following_tenant)
    # Its author still sees it, marked as waiting.
    text = page(client, owner_building1, parking.get_absolute_url())
    assert REPLY_PHONE in text and "待版主审核" in text
    with django_capture_on_commit_callbacks(execute=True):
        actions.restore_post(reply, moderator, seen=reply.seen_fingerprint)
    assert REPLY_PHONE in inbox(client, following_tenant)
    assert REPLY_PHONE in found(following_tenant, "我也被占过")
