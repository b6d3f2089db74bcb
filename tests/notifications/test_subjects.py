"""Notifications refer to the content they are about and never copy a member's words."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.models import Post
from portal.notifications.api import notify
from portal.notifications.models import NotificationBatch
from portal.notifications.subjects import compose, messages_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(estate_a, owner):
    return actions.start_thread(
        estate_a, owner, kind="topic", title="小区东门是否增设快递柜", body="大家觉得好不好？"
    )


@pytest.fixture
def reply(topic, tenant) -> Post:
    return actions.add_post(topic, tenant, body="赞成，放在东门雨棚下面比较合适。")


def test_a_subject_whose_app_does_not_describe_it_is_refused(owner, estate_a):
    with pytest.raises(ValidationError, match="不能作为通知的对象"):
        notify([owner], category="notice", title="小区信息", subject=estate_a)
    assert not NotificationBatch.objects.exists()


def test_quoting_needs_a_subject(owner):
    with pytest.raises(ValidationError, match="必须指明所引用的内容"):
        notify([owner], category="deliberation", title="有新回复", quote_subject=True)


def test_an_unsaved_subject_is_refused(owner, topic):
    with pytest.raises(ValidationError, match="已保存"):
        notify([owner], category="deliberation", title="有新回复", subject=Post(thread=topic))


def test_the_database_refuses_half_a_subject_and_a_quote_without_one(owner, reply):
    batch = notify([owner], category="deliberation", title="有新回复", subject=reply)
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationBatch.objects.filter(pk=batch.pk).update(subject_id=None)
    plain = notify([owner], category="notice", title="停水通知")
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationBatch.objects.filter(pk=plain.pk).update(quote_subject=True)


def test_a_quoted_reply_reads_its_thread_title_and_words_while_shown(owner, reply):
    batch = notify(
        [owner], category="deliberation", title="有新回复", subject=reply, quote_subject=True
    )
    message = messages_for([batch])[batch.pk]
    assert message.title == "有新回复：小区东门是否增设快递柜"
    assert message.body == "赞成，放在东门雨棚下面比较合适。" and not message.withheld


def test_content_that_no_longer_exists_shows_nothing(owner, reply):
    batch = notify(
        [owner], category="deliberation", title="有新回复", subject=reply, quote_subject=True
    )
    batch.subject_id = 10**9  # a row that is gone
    message = messages_for([batch])[batch.pk]
    assert message.title == "有新回复" and "无法查看" in message.body and message.withheld


def test_a_batch_without_a_subject_reads_as_written(owner):
    batch = notify([owner], category="notice", title="3栋停水通知", body="请提前储水。")
    assert compose(batch, None).title == "3栋停水通知"
    assert compose(batch, None).body == "请提前储水。"


def test_batches_made_before_subjects_are_referred_and_lose_their_copies(
    owner, topic, reply, moderator
):
    """The data migration: old deliberation batches get their subject, and lose the words."""
    old_reply = NotificationBatch.objects.create(
        category="deliberation",
        title=f"{topic.title} 有新回复",
        body="赞成，放在东门雨棚下面比较合适。",
        dedupe_key=f"deliberation:post:{reply.pk}:new",
    )
    old_report = NotificationBatch.objects.create(
        category="deliberation",
        title=f"新的问题反映：{topic.title}",
        body="请在 11-28 10:00 前首次响应。",
        dedupe_key=f"deliberation:thread:{topic.pk}:assigned:property",
    )
    old_official = NotificationBatch.objects.create(
        category="deliberation",
        title=f"物业 官方答复：{topic.title}",
        body="已安排。",
        dedupe_key=f"deliberation:post:{reply.pk}:official",
    )
    migration = import_module("deliberation.migrations.0005_notifications_refer_to_posts")
    migration.refer(apps, None)
    migration.refer(apps, None)  # idempotent

    old_reply.refresh_from_db()
    assert (old_reply.subject, old_reply.quote_subject) == (reply, True)
    assert (old_reply.title, old_reply.body) == ("有新回复", "")
    old_report.refresh_from_db()
    assert old_report.subject == topic and old_report.title == "新的问题反映"
    assert old_report.body == "请在 11-28 10:00 前首次响应。"
    old_official.refresh_from_db()
    assert (old_official.title, old_official.body) == ("物业 官方答复", "")


def test_the_inbox_reads_its_subjects_in_a_fixed_number_of_queries(
    client,
    settings,
    topic,
    owner,
    tenant,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    settings.DELIBERATION_POST_RATE_LIMIT = (100, 600)

    def reply(n: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_post(topic, tenant, body=f"第 {n} 条回复", now=timezone.now())

    for n in range(3):
        reply(n)
    client.force_login(owner)
    client.get(reverse("notifications:inbox"))  # warm the session and the content types
    # The inbox's own queries (see test_views) and one for all the posts on the page.
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:inbox"))
    for n in range(3, 25):
        reply(n)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:inbox"))
    assert "第 24 条回复" in response.content.decode()
