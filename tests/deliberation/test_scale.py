"""A thread of 1,000 posts renders in a fixed, small number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.models import Post, Thread

pytestmark = pytest.mark.django_db


def grow(thread: Thread, authors, total: int) -> None:
    """Add top-level posts, each with a reply and a reply to the reply, up to `total` posts."""
    from django.utils import timezone

    now = timezone.now()
    made = thread.posts.count()
    i = 0
    while made < total:
        author = authors[i % len(authors)]
        top = Post.objects.create(
            thread=thread,
            author=author,
            author_badge="业主 · 3栋",
            body=f"<p>第 {i} 楼</p>",
            created_at=now,
        )
        reply = Post.objects.create(
            thread=thread, author=author, parent=top, depth=1, body="<p>回复</p>", created_at=now
        )
        Post.objects.create(
            thread=thread,
            author=author,
            parent=reply,
            depth=2,
            body="<p>再回复</p>",
            created_at=now,
            official_party="property",
        )
        made += 3
        i += 1


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_thread_with_1000_posts_renders_in_as_few_queries_as_one_with_10(
    client, estate_a, topic, owner, tenant, property_staff, django_assert_max_num_queries
):
    from deliberation import actions

    small_topic = actions.start_thread(estate_a, owner, kind="topic", title="小", body="小议题")
    grow(small_topic, [owner, tenant, property_staff], 10)
    grow(topic, [owner, tenant, property_staff], 1000)
    client.force_login(tenant)
    client.get(reverse("deliberation:thread_list", args=["jinxiu"]))  # first-visit queries
    small = count_queries(
        client, reverse("deliberation:thread_detail", args=["jinxiu", small_topic.pk])
    )
    big_url = reverse("deliberation:thread_detail", args=["jinxiu", topic.pk])
    big = count_queries(client, big_url)
    assert topic.posts.count() >= 1000
    assert big == small
    with django_assert_max_num_queries(30):
        response = client.get(big_url)
    # The first page: the opening post and 49 top-level posts, each with its two replies.
    assert response.content.decode().count('<article id="post-') == 1 + 49 * 3
    last = client.get(big_url, {"page": 7}).content.decode()
    assert "第 332 楼" in last and "第 49 楼" not in last
