"""Helpers of the discussion-area tests: a leaking-roof report, and who was notified."""

from __future__ import annotations

import pytest

from deliberation import actions
from deliberation.choices import IssueCategory, ThreadKind
from deliberation.models import Thread
from portal.notifications.models import NotificationBatch


def notified(dedupe_key: str) -> set[int]:
    """Return the user ids the notification with this key was addressed to."""
    ids: set[int] = set()
    for batch in NotificationBatch.objects.filter(dedupe_key=dedupe_key):
        ids.update(batch.recipient_ids)
    return ids


def keys_like(fragment: str) -> list[str]:
    return list(
        NotificationBatch.objects.filter(dedupe_key__contains=fragment).values_list(
            "dedupe_key", flat=True
        )
    )


def report_issue(estate, user, *, title="3栋屋顶漏水", category=IssueCategory.REPAIR, **kwargs):
    return actions.start_thread(
        estate,
        user,
        kind=ThreadKind.ISSUE,
        category=category,
        title=title,
        body=kwargs.pop("body", "<p>顶楼 502 卧室天花板渗水，下雨时滴水。</p>"),
        **kwargs,
    )


@pytest.fixture
def roof(estate_a, owner) -> Thread:
    """王芳 (owner, 3栋) reports a leaking roof; the property company is responsible."""
    return report_issue(estate_a, owner)


@pytest.fixture
def topic(estate_a, owner) -> Thread:
    return actions.start_thread(
        estate_a,
        owner,
        kind=ThreadKind.TOPIC,
        title="小区东门是否增设快递柜",
        body="大家觉得东门增设快递柜好不好？",
    )
