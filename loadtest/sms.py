"""An SMS backend for the load test only: it keeps every message in Redis instead of sending it.

Chosen by the load test's environment (SMS_BACKEND=loadtest.sms.RedisOutboxSMSBackend), never
by a settings module, so production has no way to read a sign-in code back. The simulated
owners read their sign-in code from `loadtest:code:<phone>` as a person reads their phone; the
final check counts every message per (phone, text) in the hash `loadtest:sms` to prove that
each owner got the urgent notice exactly once.
"""

from __future__ import annotations

import os

import redis

from portal.accounts.sms import BaseSMSBackend, SMSMessage

SMS_COUNTS = "loadtest:sms"
CODE_PREFIX = "loadtest:code:"

_client: redis.Redis | None = None


def client() -> redis.Redis:
    """Return the connection to the load test's Redis database (REDIS_URL)."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    return _client


class RedisOutboxSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> None:
        pipe = client().pipeline()
        pipe.hincrby(SMS_COUNTS, f"{message.to}\t{message.text}", 1)
        if "验证码" in message.text:
            pipe.rpush(CODE_PREFIX + message.to, message.text)
            pipe.expire(CODE_PREFIX + message.to, 3600)
        pipe.execute()
