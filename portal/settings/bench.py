"""Settings for `make bench`: production-like (DEBUG off, real hashing), local services."""

from __future__ import annotations

from portal.settings.test import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ROOT_URLCONF = "benchmarks.urls"
