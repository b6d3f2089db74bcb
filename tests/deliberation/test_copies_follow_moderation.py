"""Moderation reaches every copy of a post (issue #13, item 1).

A post hidden for 泄露个人信息 must lose its words everywhere they were copied: other owners'
inbox items, email not yet sent, the daily digest, SMS not yet sent, search, and the thread
title wherever a thread is listed; and get them back when an appeal restores it. Held posts
(sensitive words, pre-moderation) never leak. The author is told once per hiding.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.choices import PostStatus
from deliberation.models import DeliberationSettings, Post, SensitiveWord, Thread
from portal.accounts.sms import LocmemSMSBackend
from portal.notifications import actions as notification_actions
from portal.notifications import tasks
from portal.notifications.choices import DeliveryStatus, EmailMode, SkipReason
from portal.notifications.models import Delivery, Notification
from search import service
from tests.deliberation.conftest import report_issue

pytestmark = pytest.mark.django_db

PHONE = "13900001234"
LEAK = f"是 6 栋那个人天天占地方，他电话 {PHONE}，大家打给他。"


@pytest.fixture
def second_moderator(estate_a):
    from portal.community.choices import RoleKind
    from tests.conftest import _with_role

    return _with_role(RoleKind.MODERATOR, estate=estate_a, display_name="吴版主")


@pytest.fixture
def follower(topic, owner_building1):
    """李强 follows the 快递柜 topic, so every reply reaches his inbox."""
    actions.follow(topic, owner_building1)
    return owner_building1


@pytest.fixture
def leak(topic, follower, tenant, django_capture_on_commit_callbacks) -> Post:
    """张敏 replies with a neighbour's mobile number; the fan-out runs as after a request."""
    with django_capture_on_commit_callbacks(execute=True):
        return actions.add_post(topic, tenant, body=LEAK)


def inbox_text(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("notifications:inbox")).content.decode()


def found(user, text: str) -> list[str]:
    outcome = service.search(user, text)
    return [str(hit.document.title) + " " + str(hit.snippet) for hit in outcome.hits]


# --- the inbox ------------------------------------------------------------------------------


def test_a_hidden_reply_leaves_other_owners_inboxes_and_an_upheld_appeal_brings_it_back(
    client, leak, follower, tenant, moderator, second_moderator
):
    assert PHONE in inbox_text(client, follower)

    actions.hide_post(leak, moderator, reason="personal_info", note="包含他人手机号")
    page = inbox_text(client, follower)
    assert PHONE not in page
    assert "该内容已被隐藏（原因：泄露个人信息（如手机号））" in page
    assert "小区东门是否增设快递柜" in page  # the thread's title is another post's words

    appeal = actions.appeal(leak, tenant, text="号码是物业公示过的值班电话。")
    actions.decide_appeal(appeal, second_moderator, uphold=True)
    assert PHONE in inbox_text(client, follower)


def test_the_database_keeps_no_copy_of_the_reply_in_the_notification(leak, follower):
    item = Notification.objects.select_related("batch").get(user=follower)
    assert item.batch.subject == leak and item.batch.quote_subject
    assert PHONE not in item.batch.title + item.batch.body


def test_an_edit_that_is_held_for_a_sensitive_word_leaves_the_inbox_too(
    client, estate_a, topic, follower, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.add_post(topic, tenant, body="东门雨棚下面比较合适。")
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    actions.edit_post(post, tenant, body="东门雨棚下面比较合适。另：专业代开发票。")
    page = inbox_text(client, follower)
    assert "代开发票" not in page and "东门雨棚" not in page
    assert "该内容待版主审核" in page


def test_moderators_are_told_of_a_held_post_without_its_words(
    client, estate_a, topic, owner, moderator, follower, django_capture_on_commit_callbacks
):
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    with django_capture_on_commit_callbacks(execute=True):
        held = actions.add_post(topic, owner, body=f"专业代开发票，电话 {PHONE}")
    assert held.status == PostStatus.HELD
    page = inbox_text(client, moderator)
    assert "有发言待审核" in page and PHONE not in page
    assert PHONE not in inbox_text(client, follower)  # followers hear nothing while held

    with django_capture_on_commit_callbacks(execute=True):
        actions.restore_post(
            held, moderator, seen=held.seen_fingerprint
        )  # approved: now it is published, and quoted
    assert PHONE in inbox_text(client, follower)


def test_a_premoderated_thread_title_is_not_shown_until_approved(
    client, estate_a, owner, property_manager, moderator, django_capture_on_commit_callbacks
):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    with django_capture_on_commit_callbacks(execute=True):
        thread = report_issue(estate_a, owner, title=f"6栋占车位，车主电话{PHONE}")
    assert thread.is_held and thread.title_withheld
    assert PHONE not in inbox_text(client, moderator)
    assert found(owner, PHONE) == []
    with django_capture_on_commit_callbacks(execute=True):
        opening = thread.posts.get(is_opening=True)
        actions.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert PHONE in inbox_text(client, property_manager)  # the responsible party is told now


# --- the author's notice --------------------------------------------------------------------


def hide_notices(user) -> int:
    return Notification.objects.filter(user=user, batch__title="您的发言已被隐藏").count()


def test_the_author_is_told_once_when_reports_hide_a_post_and_a_moderator_confirms_it(
    leak,
    tenant,
    owner,
    committee_member,
    property_staff,
    moderator,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in (owner, committee_member, property_staff):
            actions.report_post(leak, reporter, reason="personal_info")
    leak.refresh_from_db()
    assert leak.status == PostStatus.HIDDEN and leak.review_pending
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(leak, moderator, reason="personal_info", note="包含他人手机号")
        actions.hide_post(leak, moderator, reason="abuse")  # a second look changes the reason
    assert hide_notices(tenant) == 1


def test_the_notice_reads_the_current_reason(
    client, leak, tenant, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(leak, moderator, reason="spam")
        actions.hide_post(leak, moderator, reason="personal_info")
    page = inbox_text(client, tenant)
    assert "原因：泄露个人信息（如手机号）" in page and "垃圾广告" not in page


def test_hidden_again_after_a_restore_is_a_new_act_and_a_new_notice(
    leak, tenant, moderator, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(leak, moderator, reason="personal_info", now=now)
        actions.restore_post(leak, moderator, seen=leak.seen_fingerprint)
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(leak, moderator, reason="personal_info", now=now + timedelta(hours=2))
    assert hide_notices(tenant) == 2


# --- email, the digest, SMS -----------------------------------------------------------------


def test_email_not_yet_sent_when_the_reply_is_hidden_is_not_sent(
    topic, follower, tenant, moderator, django_capture_on_commit_callbacks
):
    # The reply is made; its fan-out waits in the queue (the callbacks have not run yet).
    with django_capture_on_commit_callbacks(execute=False) as pending:
        post = actions.add_post(topic, tenant, body=LEAK)
    actions.hide_post(post, moderator, reason="personal_info")
    for callback in pending:
        callback()
    assert not [m for m in mail.outbox if PHONE in m.body]
    delivery = Delivery.objects.get(user=follower, channel="email")
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.skip_reason == SkipReason.WITHHELD


def test_sms_not_yet_sent_when_an_official_answer_is_hidden_is_not_sent(
    roof, owner, property_staff, moderator, django_capture_on_commit_callbacks
):
    # An official answer is "important": its followers get an SMS unless it is withheld.
    with django_capture_on_commit_callbacks(execute=False) as pending:
        answer = actions.add_post(
            roof, property_staff, official=True, body=f"维修师傅电话 {PHONE}，请直接联系。"
        )
    actions.hide_post(answer, moderator, reason="personal_info")
    for callback in pending:
        callback()
    assert not [m for m in LocmemSMSBackend.outbox if m.to == owner.phone]
    sms = Delivery.objects.get(user=owner, channel="sms")
    assert (sms.status, sms.skip_reason) == (DeliveryStatus.SKIPPED, SkipReason.WITHHELD)


def test_an_official_answer_that_stays_shown_is_texted_with_its_thread_title(
    roof, owner, property_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_post(roof, property_staff, official=True, body="已安排师傅下午上门。")
    texts = [m.text for m in LocmemSMSBackend.outbox if m.to == owner.phone]
    assert len(texts) == 1 and "3栋屋顶漏水" in texts[0]


def digest_of(user) -> str:
    return "\n".join(m.body for m in mail.outbox if m.to == [user.email])


def test_the_digest_leaves_out_a_reply_hidden_before_it_was_sent(
    topic, follower, tenant, moderator, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-28 09:00 +08:00", tick=False)
    notification_actions.save_preferences(follower, email_mode=EmailMode.DAILY_DIGEST, enabled={})
    with django_capture_on_commit_callbacks(execute=True):
        kept = actions.add_post(topic, tenant, body="赞成，放在东门雨棚下面比较合适。")
        hidden = actions.add_post(topic, tenant, body=LEAK)
    actions.hide_post(hidden, moderator, reason="personal_info")

    time_machine.move_to("2026-11-28 19:00 +08:00", tick=False)
    assert tasks.send_daily_digests() == 1
    body = digest_of(follower)
    assert PHONE not in body and "东门雨棚" in body
    assert "1 条新消息" in mail.outbox[-1].subject
    emails = Delivery.objects.filter(user=follower, channel="email")
    assert emails.get(batch__subject_id=kept.pk).status == DeliveryStatus.SENT
    skipped = emails.get(batch__subject_id=hidden.pk)
    assert (skipped.status, skipped.skip_reason) == (DeliveryStatus.SKIPPED, SkipReason.WITHHELD)


def test_the_digest_carries_a_reply_restored_before_it_was_sent(
    topic, follower, tenant, moderator, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-28 09:00 +08:00", tick=False)
    notification_actions.save_preferences(follower, email_mode=EmailMode.DAILY_DIGEST, enabled={})
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.add_post(topic, tenant, body=LEAK)
    actions.hide_post(post, moderator, reason="personal_info")
    actions.restore_post(post, moderator, seen=post.seen_fingerprint)
    time_machine.move_to("2026-11-28 19:00 +08:00", tick=False)
    assert tasks.send_daily_digests() == 1
    assert PHONE in digest_of(follower)


# --- search ---------------------------------------------------------------------------------


def test_search_drops_hidden_words_with_the_hiding_itself_and_finds_them_after_restore(
    leak, owner, moderator, second_moderator, tenant, django_capture_on_commit_callbacks
):
    assert found(owner, PHONE)
    # No on-commit callbacks run here: the moderation action rewrote the row itself.
    actions.hide_post(leak, moderator, reason="personal_info")
    assert found(owner, PHONE) == []
    assert all(PHONE not in hit for hit in found(owner, "快递柜"))

    appeal = actions.appeal(leak, tenant, text="值班电话，本就公开。")
    actions.decide_appeal(appeal, second_moderator, uphold=True)
    assert found(owner, PHONE)


def test_a_deleted_reply_leaves_search_at_once(leak, owner, tenant):
    actions.delete_post(leak, tenant)
    assert found(owner, PHONE) == []


# --- a thread's title is its opening post's words -------------------------------------------


@pytest.fixture
def parking(estate_a, owner, property_manager, django_capture_on_commit_callbacks) -> Thread:
    with django_capture_on_commit_callbacks(execute=True):
        return report_issue(
            estate_a, owner, title=f"6栋车位被占，车主电话{PHONE}", body="每天晚上都被占。"
        )


def test_hiding_an_opening_post_withholds_its_title_everywhere_until_restored(
    client, parking, owner_building1, property_manager, committee_chair, moderator
):
    opening = parking.posts.get(is_opening=True)
    assert PHONE in inbox_text(client, property_manager)

    actions.hide_post(opening, moderator, reason="personal_info")
    parking.refresh_from_db()
    assert parking.title_withheld
    page = inbox_text(client, property_manager)
    assert PHONE not in page and "新的问题反映" in page
    client.force_login(owner_building1)
    for url in (
        reverse("deliberation:thread_list", args=["jinxiu"]),
        reverse("deliberation:thread_detail", args=["jinxiu", parking.pk]),
    ):
        assert PHONE not in client.get(url).content.decode()
    assert found(owner_building1, PHONE) == []
    client.force_login(committee_chair)
    drill = reverse("dashboard:drill", args=["jinxiu", "issues", "reports"])
    assert PHONE not in client.get(drill).content.decode()

    actions.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert PHONE in inbox_text(client, property_manager)
    assert found(owner_building1, PHONE)
    client.force_login(committee_chair)
    assert PHONE in client.get(drill).content.decode()


def test_an_author_deleting_their_opening_post_withdraws_its_title(client, parking, owner):
    actions.delete_post(parking.posts.get(is_opening=True), owner)
    client.force_login(owner)
    assert (
        PHONE
        not in client.get(reverse("deliberation:thread_list", args=["jinxiu"])).content.decode()
    )


# --- feeds, exports and open data -----------------------------------------------------------


def test_feeds_exports_and_open_data_never_carry_discussion_words(
    client,
    estate_a,
    owner,
    follower,
    tenant,
    committee_chair,
    moderator,
    django_capture_on_commit_callbacks,
):
    """The discussion area is members-only: its words, shown or hidden, reach no public feed,
    no export and no open-data endpoint (only counts, which have no words)."""
    from portal.notices.models import NoticeIndexPage
    from tests.search.conftest import make_notice

    notice = make_notice(estate_a, "东门快递柜设置方案公示", summary="征集意见至 12 月 5 日。")
    with django_capture_on_commit_callbacks(execute=True):
        thread = actions.start_thread(
            estate_a, owner, kind="topic", title="关于东门快递柜", body="同意。", page=notice
        )
        post = actions.add_post(thread, tenant, body=LEAK)
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()

    def everything() -> str:
        client.logout()
        texts = [
            client.get(f"{index.url}feed/rss/").content.decode(),
            client.get(f"{index.url}feed/ical/").content.decode(),
            client.get(reverse("open_data_estates")).content.decode(),
            client.get(f"/api/v2/pages/?search={PHONE}&fields=*").content.decode(),
            client.get(f"/api/v2/pages/{notice.pk}/").content.decode(),
        ]
        client.force_login(committee_chair)
        for fmt in ("csv", "xlsx"):
            texts.append(
                client.get(reverse("dashboard:export", args=["issues", fmt])).content.decode(
                    errors="ignore"
                )
            )
        client.force_login(follower)
        texts.append(client.get(reverse("accounts:data")).content.decode())
        return "\n".join(texts)

    assert PHONE not in everything()
    actions.hide_post(post, moderator, reason="personal_info")
    assert PHONE not in everything()
