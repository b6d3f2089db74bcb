"""A moderator approves the words they read, not what the author wrote afterwards.

A held post stays editable by its author. The queue's form carries the fingerprint of the
words each row showed (portal.community.moderation_seen); approving with a fingerprint of
older words, or none, or a forged one, changes nothing: the post stays held, nothing is
audited as approved and no one is told of it. Approving again with the words now shown works.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberation import actions
from deliberation.choices import PostStatus, ReportStatus
from deliberation.models import DeliberationSettings, Post, PostReport, Thread
from portal.community import moderation_seen
from portal.community.models import AuditEvent
from tests.deliberation.conftest import keys_like, notified

pytestmark = pytest.mark.django_db

CHANGED = "内容在您审阅后已被作者修改，请重新审阅后再批准。"
READ = "东门快递柜放在保安亭旁边比较好。"
LATER = "东门快递柜放在保安亭旁边比较好。加我微信 wx_13900001111 团购。"


@pytest.fixture
def premoderated(estate_a):
    return DeliberationSettings.objects.create(estate=estate_a, premoderation=True)


@pytest.fixture
def held(topic, tenant, estate_a) -> Post:
    """The topic was opened before the estate turned pre-moderation on; 张敏's reply waits."""
    DeliberationSettings.objects.create(estate=estate_a, premoderation=True)
    post = actions.add_post(topic, tenant, body=READ)
    assert post.status == PostStatus.HELD
    return post


def queue_url() -> str:
    return reverse("deliberation:moderation_queue", args=["jinxiu"])


def seen_in_queue(client, moderator, post: Post) -> tuple[str, str]:
    """Open the queue as the moderator; return its page and the fingerprint its row carries."""
    client.force_login(moderator)
    page = client.get(queue_url()).content.decode()
    found = re.search(rf'name="seen-{post.pk}" value="([0-9a-f]*)"', page)
    assert found, "the queue's row carries the fingerprint of the words it shows"
    return page, found.group(1)


def approve_in_queue(client, post: Post, seen: str):
    data = {"action": "restore", "posts": [post.pk], f"seen-{post.pk}": seen}
    return client.post(queue_url(), data, follow=True)


def approved(post: Post) -> bool:
    return AuditEvent.objects.filter(
        action="deliberation.post_approved", object_id=str(post.pk)
    ).exists()


def test_approving_the_words_the_queue_showed_publishes_them(client, held, moderator, owner):
    page, seen = seen_in_queue(client, moderator, held)
    assert READ in page
    approve_in_queue(client, held, seen)
    held.refresh_from_db()
    assert held.status == PostStatus.PUBLISHED
    assert approved(held)
    assert owner.pk in notified(f"deliberation:post:{held.pk}:new")  # 王芳 follows her topic


def test_an_edit_after_the_moderator_looked_is_not_published_unread(
    client, held, moderator, tenant
):
    _, seen = seen_in_queue(client, moderator, held)
    actions.edit_post(held, tenant, body=LATER)  # while the moderator reads

    response = approve_in_queue(client, held, seen)

    held.refresh_from_db()
    assert held.status == PostStatus.HELD and "wx_13900001111" in held.body
    assert not approved(held)
    assert keys_like(f"deliberation:post:{held.pk}:new") == []
    page = response.content.decode()
    assert CHANGED in page  # said beside the queue, which now shows the new words
    assert "wx_13900001111" in page

    _, seen_again = seen_in_queue(client, moderator, held)
    assert seen_again != seen
    approve_in_queue(client, held, seen_again)
    held.refresh_from_db()
    assert held.status == PostStatus.PUBLISHED and approved(held)


@pytest.mark.parametrize("seen", [None, "", "0" * 64, "伪造的指纹", "A" * 10_000])
def test_a_missing_or_forged_fingerprint_is_refused(held, moderator, seen):
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_post(held, moderator, seen=seen)
    held.refresh_from_db()
    assert held.status == PostStatus.HELD and not approved(held)


def test_a_fingerprint_of_another_post_with_other_words_is_refused(held, topic, tenant, moderator):
    other = actions.add_post(topic, tenant, body="另一条待审的发言")
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_post(held, moderator, seen=other.seen_fingerprint)
    assert Post.objects.get(pk=held.pk).status == PostStatus.HELD


def test_the_fingerprint_names_the_exact_stored_words(held, tenant):
    before = held.seen_fingerprint
    assert Post.objects.get(pk=held.pk).seen_fingerprint == before  # same words, same print
    actions.edit_post(held, tenant, body=READ.replace("比较好", "更好"))  # two characters
    assert Post.objects.get(pk=held.pk).seen_fingerprint != before


def test_moving_words_between_parts_changes_the_fingerprint():
    assert moderation_seen.fingerprint("电梯", "广告") != moderation_seen.fingerprint(
        "电梯广", "告"
    )
    assert moderation_seen.fingerprint("电梯", "广告") == moderation_seen.fingerprint(
        "电梯", "广告"
    )


def test_a_held_thread_is_approved_only_with_the_opening_words_seen(
    premoderated, estate_a, owner, moderator, tenant
):
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="电梯广告收入", body="去向？"
    )
    opening = thread.posts.get(is_opening=True)
    seen = opening.seen_fingerprint
    actions.edit_post(opening, owner, body="去向？物业经理电话 13900002222")
    with pytest.raises(ValidationError, match=CHANGED):
        actions.restore_post(opening, moderator, seen=seen)
    assert Thread.objects.get(pk=thread.pk).is_held
    assert AuditEvent.objects.filter(action="deliberation.post_approved").count() == 0
    opening.refresh_from_db()
    actions.restore_post(opening, moderator, seen=opening.seen_fingerprint)
    assert not Thread.objects.get(pk=thread.pk).is_held


def test_an_opening_posts_fingerprint_covers_the_title_and_tags_the_queue_shows(
    premoderated, estate_a, owner
):
    one = actions.start_thread(
        estate_a, owner, kind="topic", title="甲", body="同一段话", tags=["a"]
    )
    two = actions.start_thread(
        estate_a, owner, kind="topic", title="乙", body="同一段话", tags=["a"]
    )
    three = actions.start_thread(
        estate_a, owner, kind="topic", title="甲", body="同一段话", tags=["b"]
    )
    prints = {t.posts.get(is_opening=True).seen_fingerprint for t in (one, two, three)}
    assert len(prints) == 3


def test_bulk_approval_publishes_what_was_read_and_leaves_what_changed(
    client, held, topic, owner_building1, moderator, tenant
):
    other = actions.add_post(topic, owner_building1, body="同意放在保安亭旁边。")
    _, seen_held = seen_in_queue(client, moderator, held)
    _, seen_other = seen_in_queue(client, moderator, other)
    actions.edit_post(held, tenant, body=LATER)

    response = client.post(
        queue_url(),
        {
            "action": "restore",
            "posts": [held.pk, other.pk],
            f"seen-{held.pk}": seen_held,
            f"seen-{other.pk}": seen_other,
        },
        follow=True,
    )

    assert "已处理 1 条；1 条内容在您审阅后已被作者修改" in response.content.decode()
    assert Post.objects.get(pk=other.pk).status == PostStatus.PUBLISHED
    assert Post.objects.get(pk=held.pk).status == PostStatus.HELD and not approved(held)


def test_bulk_approval_without_fingerprints_publishes_nothing(client, held, moderator):
    client.force_login(moderator)
    client.post(queue_url(), {"action": "restore", "posts": [held.pk]})
    assert Post.objects.get(pk=held.pk).status == PostStatus.HELD and not approved(held)


def test_dismissing_the_reports_of_a_hidden_post_shows_it_only_with_its_words_seen(
    topic, tenant, owner, owner_building1, committee_member, moderator
):
    post = actions.add_post(topic, tenant, body="物业经理就是个骗子")
    for reporter in (owner, owner_building1, committee_member):
        actions.report_post(post, reporter, reason="abuse")
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.review_pending
    with pytest.raises(ValidationError, match=CHANGED):
        actions.dismiss_reports(post, moderator, seen="")
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN  # and the reports are still open: nothing changed
    assert PostReport.objects.filter(post=post, status=ReportStatus.OPEN).count() == 3
    actions.dismiss_reports(post, moderator, seen=post.seen_fingerprint)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
