"""Fixtures for the accounts tests: a clean rate-limit cache and SMS code helpers."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from portal.accounts.sms import LocmemSMSBackend


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    # allauth keeps rate-limit counters in the cache; one test must not spend another's.
    cache.clear()
    yield
    cache.clear()


def last_sms_code(phone: str) -> str:
    """Return the six-digit code in the last SMS sent to the phone."""
    messages = [m for m in LocmemSMSBackend.outbox if m.to == phone]
    assert messages, f"no SMS sent to {phone}"
    match = re.search(r"\b(\d{6})\b", messages[-1].text)
    assert match, messages[-1].text
    return match.group(1)
