"""Moderation: reports, automatic hiding, the queue, appeals, blocks, sensitive words, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.choices import AppealStatus, PostStatus, ReportStatus
from deliberation.models import (
    Appeal,
    DeliberationSettings,
    Post,
    PostReport,
    SensitiveWord,
    Thread,
)
from portal.community.models import AuditEvent
from tests.deliberation.conftest import notified

pytestmark = pytest.mark.django_db


@pytest.fixture
def rude(topic, tenant) -> Post:
    return actions.add_post(topic, tenant, body="你们这些人都是骗子，滚出小区！")


@pytest.fixture
def second_moderator(estate_a):
    from portal.community.choices import RoleKind
    from tests.conftest import _with_role

    return _with_role(RoleKind.MODERATOR, estate=estate_a, display_name="吴版主")


def test_the_third_distinct_reporter_hides_the_post_pending_review(
    rude, owner, owner_building1, committee_member, moderator, tenant
):
    actions.report_post(rude, owner, reason="abuse")
    actions.report_post(rude, owner_building1, reason="abuse", detail="人身攻击")
    rude.refresh_from_db()
    assert rude.status == PostStatus.PUBLISHED
    actions.report_post(rude, committee_member, reason="spam")
    rude.refresh_from_db()
    assert rude.status == PostStatus.HIDDEN and rude.review_pending
    assert rude.hidden_reason == "abuse" and rude.hidden_by is None
    assert tenant.pk in notified(
        f"deliberation:post:{rude.pk}:hidden:{int(rude.hidden_at.timestamp())}"
    )
    assert moderator.pk in notified(f"deliberation:post:{rude.pk}:auto-hidden")
    assert AuditEvent.objects.filter(action="deliberation.post_auto_hidden").count() == 1


def test_the_same_user_reporting_twice_is_refused(rude, owner):
    actions.report_post(rude, owner, reason="abuse")
    with pytest.raises(ValidationError, match="已经举报过"):
        actions.report_post(rude, owner, reason="spam")
    assert PostReport.objects.filter(post=rude).count() == 1


def test_the_database_refuses_a_second_report_by_the_same_user(rude, owner):
    PostReport.objects.create(post=rude, reporter=owner, reason="abuse")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostReport.objects.create(post=rude, reporter=owner, reason="spam")


def test_authors_cannot_report_themselves_and_outsiders_cannot_report(rude, tenant, outsider):
    with pytest.raises(ValidationError):
        actions.report_post(rude, tenant, reason="abuse")
    with pytest.raises(PermissionDenied):
        actions.report_post(rude, outsider, reason="abuse")


def test_the_threshold_is_a_per_estate_setting(estate_a, rude, owner):
    DeliberationSettings.objects.create(estate=estate_a, hide_threshold=1)
    actions.report_post(rude, owner, reason="personal_info")
    rude.refresh_from_db()
    assert rude.status == PostStatus.HIDDEN


def test_a_hidden_post_shows_a_tombstone_with_the_reason(client, rude, moderator, owner):
    actions.hide_post(rude, moderator, reason="abuse", note="辱骂他人")
    client.force_login(owner)
    page = client.get(reverse("deliberation:thread_detail", args=["jinxiu", rude.thread_id]))
    html = page.content.decode()
    assert "该内容已被隐藏（原因：辱骂攻击）" in html
    assert "骗子" not in html


def test_hiding_is_for_moderators_only(rude, owner):
    with pytest.raises(PermissionDenied):
        actions.hide_post(rude, owner, reason="abuse")


def test_the_author_appeals_once_and_another_moderator_decides(
    rude, moderator, second_moderator, tenant
):
    actions.hide_post(rude, moderator, reason="abuse")
    appeal = actions.appeal(rude, tenant, text="我只是表达不满，没有点名。")
    with pytest.raises(ValidationError, match="只能申诉一次"):
        actions.appeal(rude, tenant, text="再申诉")
    with pytest.raises(PermissionDenied, match="另一位版主"):
        actions.decide_appeal(appeal, moderator, uphold=True)
    actions.decide_appeal(appeal, second_moderator, uphold=True, note="措辞不当但未点名")
    rude.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and rude.status == PostStatus.PUBLISHED
    assert tenant.pk in notified(f"deliberation:appeal:{appeal.pk}:decided")
    with pytest.raises(ValidationError):
        actions.decide_appeal(appeal, second_moderator, uphold=False)


def test_the_database_refuses_an_appeal_decided_by_the_hiding_moderator(rude, moderator, tenant):
    actions.hide_post(rude, moderator, reason="abuse")
    appeal = actions.appeal(rude, tenant, text="申诉")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(decided_by=moderator)


def test_a_rejected_appeal_keeps_the_post_hidden(rude, moderator, second_moderator, tenant):
    actions.hide_post(rude, moderator, reason="abuse")
    appeal = actions.appeal(rude, tenant, text="申诉")
    actions.decide_appeal(appeal, second_moderator, uphold=False)
    rude.refresh_from_db()
    assert rude.status == PostStatus.HIDDEN


def test_only_the_author_of_a_hidden_post_may_appeal(rude, owner, tenant, moderator):
    with pytest.raises(ValidationError):
        actions.appeal(rude, tenant, text="还没被隐藏")
    actions.hide_post(rude, moderator, reason="abuse")
    with pytest.raises(PermissionDenied):
        actions.appeal(rude, owner, text="替他申诉")


def test_the_queue_hides_restores_and_dismisses_in_bulk(
    client, topic, rude, owner, owner_building1, committee_member, moderator, tenant
):
    other = actions.add_post(topic, owner_building1, body="楼上说得不对")
    actions.report_post(other, owner, reason="off_topic")
    actions.report_post(rude, owner, reason="abuse")
    client.force_login(moderator)
    url = reverse("deliberation:moderation_queue", args=["jinxiu"])
    page = client.get(url).content.decode()
    assert "骗子" in page and "楼上说得不对" in page
    client.post(url, {"action": "hide", "reason": "abuse", "posts": [rude.pk]})
    client.post(
        url, {"action": "dismiss", "posts": [other.pk], f"seen-{other.pk}": other.seen_fingerprint}
    )
    rude.refresh_from_db()
    other.refresh_from_db()
    assert rude.status == PostStatus.HIDDEN and rude.hidden_by == moderator
    assert other.status == PostStatus.PUBLISHED
    assert PostReport.objects.get(post=other).status == ReportStatus.DISMISSED
    assert PostReport.objects.get(post=rude).status == ReportStatus.UPHELD
    client.post(
        url, {"action": "restore", "posts": [rude.pk], f"seen-{rude.pk}": rude.seen_fingerprint}
    )
    rude.refresh_from_db()
    assert rude.status == PostStatus.PUBLISHED
    acts = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"deliberation.post_hidden", "deliberation.reports_dismissed"} <= acts
    assert "deliberation.post_restored" in acts


def test_the_queue_is_403_for_members_who_do_not_moderate(client, tenant, outsider, estate_a):
    url = reverse("deliberation:moderation_queue", args=["jinxiu"])
    for user in (tenant, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_a_blocked_member_cannot_post_and_is_told_why_and_until_when(
    client, topic, moderator, tenant
):
    actions.block_user(topic.estate, moderator, tenant, days=7, reason="多次辱骂邻居")
    with pytest.raises(ValidationError, match="已被禁言至 .*原因：多次辱骂邻居"):
        actions.add_post(topic, tenant, body="我又来了")
    client.force_login(tenant)
    page = client.get(reverse("deliberation:thread_detail", args=["jinxiu", topic.pk]))
    assert "多次辱骂邻居" in page.content.decode()
    assert AuditEvent.objects.filter(action="deliberation.user_blocked").exists()


def test_a_block_ends_at_its_time(topic, moderator, tenant):
    block = actions.block_user(topic.estate, moderator, tenant, days=1, reason="刷屏")
    with pytest.raises(ValidationError, match="已被禁言"):
        actions.add_post(topic, tenant, body="还差一秒", now=block.until - timedelta(seconds=1))
    post = actions.add_post(topic, tenant, body="到点了", now=block.until)
    assert post.author == tenant and post.status == PostStatus.PUBLISHED


def test_a_lifted_block_lets_the_member_post_before_its_time(topic, moderator, tenant):
    block = actions.block_user(topic.estate, moderator, tenant, days=7, reason="刷屏")
    actions.lift_block(block, moderator)
    block.refresh_from_db()
    assert block.lifted_at is not None
    post = actions.add_post(topic, tenant, body="解禁后")
    assert post.created_at < block.until
    assert AuditEvent.objects.filter(action="deliberation.block_lifted", actor=moderator).exists()


def test_a_block_in_one_estate_does_not_reach_another(estate_b, moderator, outsider, topic):
    with pytest.raises(PermissionDenied):
        actions.block_user(estate_b, moderator, outsider, days=3, reason="x")


def test_a_sensitive_word_holds_the_post_for_review(client, estate_a, topic, owner, moderator):
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    post = actions.add_post(topic, owner, body="专业代开发票，联系我")
    assert post.status == PostStatus.HELD and "敏感词" in post.held_reason
    assert moderator.pk in notified(f"deliberation:post:{post.pk}:held")
    actions.restore_post(post, moderator, seen=post.seen_fingerprint)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_a_held_post_is_seen_only_by_its_author_and_moderators(
    client, estate_a, topic, owner, tenant, moderator
):
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    actions.add_post(topic, owner, body="专业代开发票")
    url = reverse("deliberation:thread_detail", args=["jinxiu", topic.pk])
    for user, sees in ((owner, True), (moderator, True), (tenant, False)):
        client.force_login(user)
        assert ("专业代开发票" in client.get(url).content.decode()) is sees


def test_an_edit_cannot_smuggle_in_a_sensitive_word(estate_a, topic, owner):
    SensitiveWord.objects.create(estate=estate_a, word="代开发票")
    post = actions.add_post(topic, owner, body="正常内容")
    actions.edit_post(post, owner, body="现在代开发票")
    post.refresh_from_db()
    assert post.status == PostStatus.HELD


def test_a_held_thread_is_not_listed_until_approved(client, estate_a, owner, tenant, moderator):
    SensitiveWord.objects.create(estate=estate_a, word="维权群")
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="加入维权群", body="大家一起来"
    )
    assert thread.is_held
    client.force_login(tenant)
    assert "加入维权群" not in client.get("/discuss/jinxiu/").content.decode()
    assert client.get(f"/discuss/jinxiu/t/{thread.pk}/").status_code == 404
    opening = thread.posts.get(is_opening=True)
    actions.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert not Thread.objects.get(pk=thread.pk).is_held
    assert "加入维权群" in client.get("/discuss/jinxiu/").content.decode()


def test_premoderation_holds_members_posts_but_not_moderators(estate_a, topic, owner, moderator):
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    assert actions.add_post(topic, owner, body="先审后发").status == PostStatus.HELD
    assert actions.add_post(topic, moderator, body="版主发言").status == PostStatus.PUBLISHED


def test_the_rate_limit_refuses_the_sixth_post_in_ten_minutes(topic, tenant, settings):
    settings.DELIBERATION_POST_RATE_LIMIT = (5, 600)
    now = timezone.now()
    for i in range(5):
        actions.add_post(topic, tenant, body=f"第 {i} 条", now=now)
    with pytest.raises(ValidationError, match="每 10 分钟最多发 5 条"):
        actions.add_post(topic, tenant, body="第六条", now=now)
    actions.add_post(topic, tenant, body="十分钟后", now=now + timedelta(seconds=601))


def test_the_rate_limit_message_reaches_the_page(client, topic, tenant, settings):
    settings.DELIBERATION_POST_RATE_LIMIT = (1, 600)
    client.force_login(tenant)
    url = reverse("deliberation:post_reply", args=["jinxiu", topic.pk])
    client.post(url, {"body": "一"})
    response = client.post(url, {"body": "二"}, follow=True)
    assert "发言太频繁了" in response.content.decode()
