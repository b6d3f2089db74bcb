"""The demo estates get a realistic discussion, once."""

from __future__ import annotations

import pytest

from deliberation.choices import PostStatus, ThreadState
from deliberation.models import Escalation, Post, Thread
from demo.district import seed

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_in_each_state_official_answers_and_a_hidden_post():
    counts = seed()
    assert counts["threads"] == 7
    states = set(Thread.objects.filter(estate__slug="jinxiu").values_list("state", flat=True))
    assert {ThreadState.CLOSED, ThreadState.IN_PROGRESS, ThreadState.PENDING} <= states
    assert Post.objects.exclude(official_party="").count() >= 5
    assert Post.objects.filter(status=PostStatus.HIDDEN, hidden_reason="personal_info").exists()
    assert Escalation.objects.exists()  # the unanswered garage complaint is overdue
    # A year of past reports lies behind them, for the officials' dashboard.
    assert (
        counts["thread_history"] == Thread.objects.filter(title__endswith="（往期）").count() > 100
    )
    total = Thread.objects.count()
    assert total == 7 + counts["thread_history"]
    again = seed()
    assert again["threads"] == again["thread_history"] == 0
    assert Thread.objects.count() == total
