"""Production settings: PostgreSQL, Redis and a real secret are required."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.env import env_bool, env_int, env_str

SECRET_KEY = env_str("SECRET_KEY")
ID_HASH_KEY = env_str("ID_HASH_KEY")
LEDGER_SEAL_KEY = env_str("LEDGER_SEAL_KEY")
if not SECRET_KEY.strip() or not ID_HASH_KEY.strip() or not LEDGER_SEAL_KEY.strip():
    # A blank line in .env (SECRET_KEY=) must not pass for a secret.
    raise ImproperlyConfigured("SECRET_KEY, ID_HASH_KEY and LEDGER_SEAL_KEY must not be empty.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
if not REDIS_URL:  # noqa: F405
    # The cache, the sessions and the task broker are shared between processes through it.
    raise ImproperlyConfigured("Production needs REDIS_URL (cache, sessions, task broker).")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
