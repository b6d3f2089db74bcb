"""Settings for `make bench`: production-like (DEBUG off, real hashing), local services."""

from __future__ import annotations

from portal.settings.test import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ROOT_URLCONF = "benchmarks.urls"
# Production's pruning of stored task results (django-q2's default), which the test settings
# switch off: the benchmarks time what the workers do.
Q_CLUSTER = {key: value for key, value in Q_CLUSTER.items() if key != "save_limit"}  # noqa: F405
