"""Helpers for notification tests: notify() and run what it enqueues after commit."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.notifications.api import notify


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Call notify() the way a request does, then run its on-commit fan-out (sync django-q2)."""

    def _send(recipients, **kwargs):
        kwargs.setdefault("category", "notice")
        kwargs.setdefault("title", "3栋停水通知")
        kwargs.setdefault("body", "11月28日 9:00-17:00 因管道检修，3栋停水，请提前储水。")
        kwargs.setdefault("url", "/jinxiu/notices/water-off/")
        with django_capture_on_commit_callbacks(execute=True):
            return notify(recipients, **kwargs)

    return _send


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []
    yield
