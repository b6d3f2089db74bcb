"""Settings for the test suite: fast hashing, local memory cache, django-q2 in sync mode."""

from __future__ import annotations

from portal.settings.base import *  # noqa: F403
from portal.settings.env import env_str

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ID_HASH_KEY = "test-only-id-hash-key"
LEDGER_SEAL_KEY = "test-only-ledger-seal-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "portal.accounts.sms.LocmemSMSBackend"
WECHAT_BACKEND = "portal.notifications.wechat.LocmemWeChatBackend"
# The read replica as a mirror of the primary, so the router's choices can be tested with a
# second alias (tests/test_replica.py switches GONGZHI_REPLICA_READS on); off for the rest.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
GONGZHI_REPLICA_READS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
# Keep every task's result without pruning. Pruning (django-q2's save_limit, 250 by default)
# reads every stored success, unpickling each, after every task: in a test that commits (a
# browser journey, the demo seed behind the live server) that was a third of the time, e.g.
# of seeding the XSS corpus. Results are still pickled and saved; no test reads them.
Q_CLUSTER["save_limit"] = 0
Q_CLUSTER.pop("redis", None)
Q_CLUSTER["orm"] = "default"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "test-artifacts" / "private-media"  # noqa: F405
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS}  # noqa: F405
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
WAGTAILADMIN_BASE_URL = "http://testserver"
# Staff work needs a TOTP step-up in production; tests of other areas sign staff in with
# force_login, so the step-up is switched on by the tests that are about it
# (tests/accounts/test_mfa.py, the staff journeys in tests/e2e).
GONGZHI_REQUIRE_STAFF_MFA = False
