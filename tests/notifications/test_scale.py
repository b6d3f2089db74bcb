"""A notice to 2,000 people: the request writes one batch; the fan-out's queries are bounded."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.accounts.models import User
from portal.accounts.sms import LocmemSMSBackend
from portal.notifications import tasks
from portal.notifications.api import notify
from portal.notifications.models import Delivery, Notification, NotificationBatch

# Per 500-person slice on SQLite (which caps bulk inserts at 999 parameters): the batch, the
# users, their WeChat openids, ~3 inserts of inbox items, which are ours, 2 preference reads,
# ~14 inserts of deliveries (email, SMS and WeChat: 1,500 rows), the claim, the claimed rows,
# the final update, plus django-q2's own bookkeeping.
QUERIES_PER_SLICE = 36


def _people(count: int) -> list[User]:
    User.objects.bulk_create(
        [
            User(
                username=f"bulk{n}",
                display_name=f"业主{n}",
                phone=f"+86136{n:08d}",
                phone_verified=True,
                email=f"bulk{n}@example.cn",
            )
            for n in range(count)
        ]
    )
    return User.objects.filter(username__startswith="bulk")


@pytest.mark.django_db
def test_the_request_only_writes_the_batch(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    people = _people(2000)
    with django_assert_max_num_queries(6), django_capture_on_commit_callbacks() as callbacks:
        batch = notify(people, category="notice", title="3栋停水通知", urgency="urgent")
    assert batch.recipient_count == 2000
    assert batch.chunk_count == 4
    assert len(callbacks) == 1  # the fan-out waits for the commit, then runs in a task
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_two_thousand_recipients_fan_out_in_bounded_queries(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    people = _people(2000)
    with django_capture_on_commit_callbacks() as callbacks:
        batch = notify(people, category="notice", title="3栋停水通知", urgency="urgent")

    with django_assert_max_num_queries(4 * QUERIES_PER_SLICE + 10):
        callbacks[0]()  # dispatch → 4 slices of 500, inline because django-q2 runs sync

    assert Notification.objects.filter(batch=batch).count() == 2000
    assert len(mail.outbox) == 2000
    assert len(LocmemSMSBackend.outbox) == 2000
    assert Delivery.objects.filter(batch=batch, status="sent").count() == 4000
    assert NotificationBatch.objects.get(pk=batch.pk).status == "dispatched"


@pytest.mark.django_db
def test_one_slice_costs_the_same_queries_for_50_or_500_people(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = _people(550)
    small = notify(people[:50], category="notice", title="小批量", urgency="urgent")
    big = notify(people[50:550], category="notice", title="大批量", urgency="urgent")
    with CaptureQueriesContext(connection) as small_queries:
        tasks.fan_out_chunk(small.pk, 0)
    with CaptureQueriesContext(connection) as big_queries:
        tasks.fan_out_chunk(big.pk, 0)
    # Only SQLite's bulk-insert splitting grows with the slice (three delivery rows a
    # person, about 110 rows an insert); nothing per person.
    assert len(big_queries) <= QUERIES_PER_SLICE
    assert len(big_queries) - len(small_queries) <= 18
