"""Settings for a developer's machine: `make run` uses these (SQLite, console email and SMS)."""

from __future__ import annotations

from portal.settings.base import *  # noqa: F403
from portal.settings.env import env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ID_HASH_KEY = env_str("ID_HASH_KEY", "dev-only-id-hash-key")
LEDGER_SEAL_KEY = env_str("LEDGER_SEAL_KEY", "dev-only-ledger-seal-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Demo passwords are short on purpose; production keeps the validators.
AUTH_PASSWORD_VALIDATORS = []

# Report-only on a developer's machine: a violation shows in the console and in the log
# (/csp-report/) without breaking the page being worked on. Tests and production enforce.
CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY  # noqa: F405
CONTENT_SECURITY_POLICY = None
