"""Settings for `make bench`: production-like (DEBUG off, real hashing), local services."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from portal.settings.env import env_str
from portal.settings.test import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ROOT_URLCONF = "benchmarks.urls"

# Production's pruning of stored task results (django-q2's default), which the test settings
# switch off: the benchmarks time what the workers do.
Q_CLUSTER = {key: value for key, value in Q_CLUSTER.items() if key != "save_limit"}  # noqa: F405


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


# The task broker as production has it (Redis) when one answers, so that the queue entry of a
# cast or a post costs what it costs there (a list push after the commit), not a row inserted
# in its own transaction by the ORM broker. BENCH_REDIS_URL=off keeps the ORM broker.
BENCH_REDIS_URL = env_str("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
if BENCH_REDIS_URL != "off" and _answers(BENCH_REDIS_URL):
    Q_CLUSTER = {**Q_CLUSTER, "redis": BENCH_REDIS_URL}  # noqa: F405
    Q_CLUSTER.pop("orm", None)
