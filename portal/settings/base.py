"""Settings safe for production: DEBUG off, no secrets, everything else from the environment.

dev.py and test.py relax these for a developer's machine; production.py insists on the
production services. The documented list of variables is in the README.

Long because: one place lists every setting and the environment variable behind it.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Gongzhi
    "portal.accounts",
    "portal.community",
    "portal.home",
    "portal.notices",
    "portal.knowledge",
    "portal.notifications",
    "portal.dashboard",
    "consultations",
    "voting",
    "voting.petitions",
    "deliberation",
    "deliberation.oversight",
    "disclosures",
    "proposals",
    "search",
    "themes",
    "demo",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.weixin",
    # Background tasks
    "django_q",
    # Content-Security-Policy header (portal.security.ContentSecurityPolicyMiddleware)
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.home.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.HostileInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.elder.ElderCookieMiddleware",
    "portal.accounts.middleware.RateLimitedMiddleware",
    "portal.home.page_cache.AnonymousPageCacheMiddleware",
    "portal.accounts.middleware.StaffMFAMiddleware",
    "portal.community.middleware.LoginRequiredMiddleware",
    "portal.home.middleware.AtomicAdminWritesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "themes.context_processors.portal",
                "portal.notifications.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite is the embedded default; production points DATABASE_URL at PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the django-q2 worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A read replica (streaming replication of the primary): the dashboard, open data and the
# database search backend read from it; everything else, and anything in a transaction or
# after a write in the request, reads the primary (portal/replica.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
GONGZHI_REPLICA_READS = bool(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Internationalisation: Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our catalogue first (makemessages writes there); then the Chinese for the Wagtail admin strings
# Wagtail's own zh_Hans catalogue lacks (newer messages such as its validation errors), so the
# committee and staff see no English in the admin. See tests/test_translations.py.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "themes" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Personal documents (ownership evidence, proxy forms, paper ballot scans): never served by URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "共治 Gongzhi"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 50
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are served by Wagtail's view, where portal.home.wagtail_hooks asks the pages
# that use each one; "redirect" or "direct" would hand out the storage's address instead.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it sends a hash of each editor's email abroad, is unreachable from many
# networks in China, and the CSP (img-src 'self') would block it; Wagtail's default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"

# The client's address for every per-IP limit. Behind the TLS proxy of docker-compose.yml,
# REMOTE_ADDR is the proxy's: set ALLAUTH_TRUSTED_PROXY_COUNT to the number of proxies that
# append to X-Forwarded-For (1 for one proxy), or ALLAUTH_TRUSTED_CLIENT_IP_HEADER to a
# header your proxy sets itself (X-Real-IP). Both trust the header: only ever with the
# web port reachable through the proxy alone. 0 and empty: REMOTE_ADDR, headers ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "") or None
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ALLAUTH_TRUSTED_PROXY_COUNT cannot be negative.")

# Accounts (django-allauth): mobile + SMS code, or email + password.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# A password is optional: most owners sign in with an SMS code; email + password also works.
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1", "password2"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_REQUIRED = False
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
# SMS codes in China are six digits.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_GET = False
# Sign-in limits (portal.accounts.limits explains them). Wrong passwords: per network; per
# account from one network (the adapter's key is account + network); per account from all
# networks, after which the account signs in by SMS code only. Code messages: allauth's
# per-minute limits, and daily caps per phone and per network.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
GONGZHI_SMS_PER_PHONE_PER_DAY = env_int("GONGZHI_SMS_PER_PHONE_PER_DAY", 10)
GONGZHI_SMS_PER_IP_PER_DAY = env_int("GONGZHI_SMS_PER_IP_PER_DAY", 100)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "login_failed_account": "20/h/key,60/d/key",
    "request_login_code": "20/m/ip,1/m/key",
    "sms_phone": f"{GONGZHI_SMS_PER_PHONE_PER_DAY}/d/key",
    "sms_ip": f"{GONGZHI_SMS_PER_IP_PER_DAY}/d/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    # SMS code to confirm closing one's account (portal.accounts.views.close_account).
    "close_account_code": "1/m/user,5/h/user",
}
ACCOUNT_FORMS = {
    "login": "portal.accounts.forms.LoginForm",
    "signup": "portal.accounts.forms.SignupForm",
    "request_login_code": "portal.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "portal.accounts.forms.ConfirmLoginCodeForm",
    "verify_phone": "portal.accounts.forms.VerifyPhoneForm",
}
# WeChat login (allauth's weixin provider). The app id and secret are a SocialApp per site,
# entered by the site manager in the Django admin (/django-admin/socialaccount/socialapp/),
# never in code. A first WeChat sign-in asks for a name and the privacy consent
# (portal.accounts.forms.WeChatSignupForm); ownership still needs a verified mobile number.
SOCIALACCOUNT_ADAPTER = "portal.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_FORMS = {"signup": "portal.accounts.forms.WeChatSignupForm"}
SOCIALACCOUNT_PROVIDERS = {
    "weixin": {
        # The official account's web authorisation (公众号网页授权) works inside WeChat's
        # browser, where owners open the portal; its openid is the one template messages
        # reach. A website app on the open platform would use .../connect/qrconnect and
        # scope snsapi_login (set in the SocialApp's settings: {"scope": ["snsapi_login"]}).
        "AUTHORIZE_URL": env_str(
            "WECHAT_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
        ),
        "SCOPE": ["snsapi_userinfo"],
    }
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "共治 Gongzhi"
MFA_ADAPTER = "portal.accounts.adapter.MFAAdapter"
MFA_FORMS = {"activate_totp": "portal.accounts.forms.ActivateTOTPForm"}
# allauth refuses TOTP while an email address is unverified (so nobody can sign up with
# another's address and lock it with their app). Here the account is its verified mobile;
# the optional email is often unverified, and must not stop the chair from setting up.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Staff work (the admins, dashboard, moderation, assembly management...) needs a TOTP code
# entered in the session within this many hours; signing in never does (portal.accounts.mfa).
GONGZHI_REQUIRE_STAFF_MFA = env_bool("GONGZHI_REQUIRE_STAFF_MFA", True)
GONGZHI_STAFF_MFA_HOURS = env_int("GONGZHI_STAFF_MFA_HOURS", 12)
# Dashboard alert: an estate whose share of issue reports answered within 24 h falls below this
# percentage (over the last 30 days) is flagged to its officials.
GONGZHI_RESPONSE_ALERT_PERCENT = env_int("GONGZHI_RESPONSE_ALERT_PERCENT", 80)
# Days after a consultation closes by which the committee should publish how it handled the
# opinions (意见采纳情况); later, the dashboard flags it.
GONGZHI_CONSULTATION_REPORT_DAYS = env_int("GONGZHI_CONSULTATION_REPORT_DAYS", 15)

# WeChat messages: a pluggable backend like SMS_BACKEND. The console backend logs;
# portal.notifications.wechat.OfficialAccountBackend sends the official account's template
# messages with the app id, secret and template ids below.
WECHAT_BACKEND = env_str("WECHAT_BACKEND", "portal.notifications.wechat.ConsoleWeChatBackend")
WECHAT_APP_ID = env_str("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = env_str("WECHAT_APP_SECRET", "")
WECHAT_TEMPLATE_ID = env_str("WECHAT_TEMPLATE_ID", "")
WECHAT_TEMPLATE_ID_URGENT = env_str("WECHAT_TEMPLATE_ID_URGENT", "")
WECHAT_API_URL = env_str("WECHAT_API_URL", "https://api.weixin.qq.com")

# SMS: a pluggable backend; the console backend logs the message instead of sending it.
SMS_BACKEND = env_str("SMS_BACKEND", "portal.accounts.sms.ConsoleSMSBackend")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "共治")
SMS_API_KEY = env_str("SMS_API_KEY", "")
SMS_API_URL = env_str("SMS_API_URL", "")

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "共治 Gongzhi <noreply@localhost>")

# Personal information: ID-document numbers are stored only as a keyed hash (PIPL).
ID_HASH_KEY = env_str("ID_HASH_KEY", "")

# The ballot ledger's seals (voting/ledger/seal.py): a key kept out of the database, so that
# SQL access alone cannot forge a ballot. Empty falls back to SECRET_KEY.
LEDGER_SEAL_KEY = env_str("LEDGER_SEAL_KEY", "")

# Cache
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the shared cache and written through to the database, so a signed-in
# request does not query its session (issue #15). Only with Redis: a per-process cache would
# keep serving a session that another process changed or ended (a logout, a TOTP step-up).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Background tasks: django-q2, Redis broker when REDIS_URL is set, else the ORM broker.
Q_CLUSTER = {
    "name": "gongzhi",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": _("后台任务"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Discussion area: at most this many posts per member in this many seconds.
DELIBERATION_POST_RATE_LIMIT = (
    env_int("DELIBERATION_POSTS_PER_WINDOW", 5),
    env_int("DELIBERATION_POST_WINDOW_SECONDS", 600),
)

# Search: "database" (SQLite FTS5 / PostgreSQL full-text, the default) or "elasticsearch".
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
GONGZHI_SEARCH_BACKEND = env_str("GONGZHI_SEARCH_BACKEND", "database")
if GONGZHI_SEARCH_BACKEND not in ("database", "elasticsearch"):
    raise ImproperlyConfigured(
        f"GONGZHI_SEARCH_BACKEND={GONGZHI_SEARCH_BACKEND!r}; use database or elasticsearch."
    )
if GONGZHI_SEARCH_BACKEND == "elasticsearch" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured("GONGZHI_SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL.")
GONGZHI_SEARCH_INDEX = env_str("GONGZHI_SEARCH_INDEX", "gongzhi-search")

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): the public site runs no inline script or style and
# loads nothing from elsewhere; a template that truly needs an inline script gives it
# nonce="{{ request.csp_nonce }}". The Wagtail admin gets the relaxations it needs
# (portal.security.ADMIN_CSP). Enforced here (production and tests); dev.py reports only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "report-uri": "/csp-report/",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
