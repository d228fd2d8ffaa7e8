"""Settings shared by every environment. Values that differ per machine come from the
environment (or a `.env` file beside manage.py) through one django-environ reader."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

from lindung.billing.schedule import BILLING_BEAT_SCHEDULE
from lindung.core.logs import logging_config
from lindung.core.schedule import CORE_BEAT_SCHEDULE
from lindung.messaging.schedule import MESSAGING_BEAT_SCHEDULE
from lindung.tallies.schedule import TALLIES_BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "lindung.core",
    "lindung.accounts",
    "lindung.regions",
    "lindung.communities",
    "lindung.contacts",
    "lindung.participants",
    "lindung.jobs",
    "lindung.contributions",
    "lindung.cards",
    "lindung.claims",
    "lindung.tallies",
    "lindung.reports",
    "lindung.billing",
    "lindung.messaging",
    "lindung.selfservice",
    "lindung.info",
    "lindung.feedback",
    "lindung.outreach",
    "lindung.api",
    "lindung.operations",
    "lindung.demo",
]

MIDDLEWARE = [
    # First, so every log line of the request (other middleware included) carries its id.
    "lindung.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (lindung/core/compression.py); after WhiteNoise, which serves its own .gz.
    "lindung.core.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware in this list, so it runs before it on the way out.
    "lindung.core.sessions.SessionRenewalMiddleware",
    "lindung.core.locale.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "lindung.core.middleware.SecurityHeadersMiddleware",
    # Axes last: it answers locked-out requests before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lindung" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection kept between requests is checked before reuse, so after a database restart
# the next request reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the timeout waits out short locks
    # instead of failing with "database is locked". IMMEDIATE takes the write lock when a
    # transaction begins: a transaction that read first and then wrote could not wait for
    # the lock (SQLite answers "locked" at once when its snapshot went stale), so
    # simultaneous writers queue, then see each other's rows as on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    # The covering search indexes' INCLUDE columns are for PostgreSQL's index-only scans
    # (participants migration 0008); SQLite builds the key columns alone, which is all it
    # can use, and warned about it on every command, `make run` included.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A streaming replica for the heavy read-only pages (lindung.operations.replica): used only
# inside reading_from_replica(), and only while it is no more than the given lag behind.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["replica"].update({"CONN_HEALTH_CHECKS": True, "TEST": {"MIRROR": "default"}})
DATABASE_ROUTERS = ["lindung.operations.replica.ReplicaRouter"]


# The aliases whose URL gave libpq ``options`` of its own: those win, whole, over the
# session settings below.
DATABASE_URL_OPTIONS = frozenset(a for a, db in DATABASES.items() if "options" in db.get("OPTIONS", {}))


def postgres_session(databases: dict[str, dict[str, Any]], settings: dict[str, str], keep: frozenset[str]) -> None:
    """Session settings for every PostgreSQL connection but those in ``keep``."""
    flags = " ".join(f"-c {name}={value}" for name, value in settings.items())
    for alias, db in databases.items():
        if db["ENGINE"] == "django.db.backends.postgresql" and alias not in keep:
            db.setdefault("OPTIONS", {})["options"] = flags


# Every server-side cursor of the app (iterator(): exports, letters, jobs) reads all its
# rows, but PostgreSQL plans a cursor for its first tenth by default. For the admin's
# export of a common name sorted by name, that plan walked the name index over the whole
# registry: 2.9 s, against 0.11 s when planned for every row (BENCHMARKS.md).
POSTGRES_SESSION = {"cursor_tuple_fraction": "1"}
postgres_session(DATABASES, POSTGRES_SESSION, DATABASE_URL_OPTIONS)
LINDUNG_REPLICA_MAX_LAG_SECONDS = env.int("LINDUNG_REPLICA_MAX_LAG_SECONDS", default=30)
LINDUNG_REPLICA_CHECK_SECONDS = env.int("LINDUNG_REPLICA_CHECK_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
CSRF_FAILURE_VIEW = "lindung.core.errors.csrf_failure"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# argon2id with OWASP's parameters (lindung/accounts/hashers.py); it also verifies, and
# upgrades on sign-in, hashes made with Django's own Argon2 parameters.
PASSWORD_HASHERS = [
    "lindung.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout: five wrong passwords for one username from one address lock that pair for
# 30 minutes; an admin can unlock earlier from the user page.
AXES_FAILURE_LIMIT = env.int("LINDUNG_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LINDUNG_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Session timeout: idle sessions end after 30 minutes, renewed at most once a minute
# by lindung.core.sessions (not written on every request).
SESSION_COOKIE_AGE = env.int("LINDUNG_SESSION_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes and nginx serves /static/ from (deploy/nginx/lindung.conf).
STATIC_ROOT = Path(env("LINDUNG_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "lindung" / "static"]
MEDIA_ROOT = Path(env("LINDUNG_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Identity documents are private: they live outside the static/media URL space and are
# served only by views that apply the scoping rules.
PRIVATE_MEDIA_ROOT = Path(env("LINDUNG_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
# Shown on membership cards under "LINDUNG", e.g. the cooperative's name.
LINDUNG_CARD_ISSUER = env("LINDUNG_CARD_ISSUER", default="")
# Where `manage.py backup` writes its archives (docs/operations.md).
LINDUNG_BACKUP_DIR = Path(env("LINDUNG_BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
DOCUMENT_MAX_BYTES = env.int("LINDUNG_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's pages rely on inline scripts that our CSP forbids.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "lindung.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("LINDUNG_API_RATE", default="600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindung API",
    "DESCRIPTION": "Participant registry of Lindung. Token authentication; every endpoint is scoped like the UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lindung.api.schema_hooks.document_list_answers",
    ],
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# One JSON object per line on standard error, with the request id, NIKs, phone numbers,
# passwords and tokens scrubbed (lindung/core/logs.py). WeasyPrint logs every render step
# at INFO; httpx logs every request at INFO (the messaging providers).
LOGGING = logging_config(
    env("LINDUNG_LOG_LEVEL", default="INFO"),
    loggers={name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools", "httpx")},
)
# /readyz reports "degraded" past these (lindung/operations/health.py): the oldest waiting job,
# and the nightly recounts (run once a day, so a day and two hours).
LINDUNG_READY_MAX_QUEUE_SECONDS = env.int("LINDUNG_READY_MAX_QUEUE_SECONDS", default=10 * 60)
LINDUNG_READY_MAX_RECOUNT_SECONDS = env.int("LINDUNG_READY_MAX_RECOUNT_SECONDS", default=26 * 60 * 60)

# Background jobs (imports, exports, sends): "thread" runs them in the web process (the
# embedded default, nothing to install), "celery" hands them to Celery workers through
# CELERY_BROKER_URL (production), "inline" runs them at commit (tests).
LINDUNG_JOBS_MODE = env("LINDUNG_JOBS_MODE", default="thread")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_ACKS_LATE = True
# Keep LOGGING (JSON lines, scrubbing) in workers instead of Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    **CORE_BEAT_SCHEDULE,
    **BILLING_BEAT_SCHEDULE,
    **TALLIES_BEAT_SCHEDULE,
    **MESSAGING_BEAT_SCHEDULE,
}
CELERY_TIMEZONE = TIME_ZONE
# Exports of more rows than this are made by a background job instead of in the request.
LINDUNG_EXPORT_SYNC_MAX_ROWS = env.int("LINDUNG_EXPORT_SYNC_MAX_ROWS", default=2_000)
# A slow dashboard recount runs in a thread while the last figures are shown ("thread"),
# or inside the request ("inline", used by tests: threads and SQLite test databases clash).
LINDUNG_DASHBOARD_REFRESH = env("LINDUNG_DASHBOARD_REFRESH", default="thread")

# Reminders over WhatsApp and SMS (lindung/messaging; docs/messaging.md). Providers:
# "dev" keeps messages in the database for an administrator to read (the default: no
# account needed), "cloud" is the WhatsApp Business Cloud API, "http" a generic SMS
# gateway. Secrets come from the environment only.
LINDUNG_MESSAGING = {
    "WHATSAPP": {
        "provider": env("WHATSAPP_PROVIDER", default="dev"),
        "base_url": env("WHATSAPP_BASE_URL", default="https://graph.facebook.com"),
        "api_version": env("WHATSAPP_API_VERSION", default="v21.0"),
        "phone_number_id": env("WHATSAPP_PHONE_NUMBER_ID", default=""),
        "access_token": env("WHATSAPP_ACCESS_TOKEN", default=""),
        "app_secret": env("WHATSAPP_APP_SECRET", default=""),
        "verify_token": env("WHATSAPP_VERIFY_TOKEN", default=""),
        "timeout": env.float("WHATSAPP_TIMEOUT", default=10.0),
    },
    "SMS": {
        "provider": env("SMS_PROVIDER", default="dev"),
        "url": env("SMS_GATEWAY_URL", default=""),
        "auth_header": env("SMS_GATEWAY_AUTH_HEADER", default="Authorization"),
        "auth_value": env("SMS_GATEWAY_AUTH_VALUE", default=""),
        "sender": env("SMS_SENDER", default="LINDUNG"),
        # Our field -> the gateway's field name in the JSON body.
        "fields": {"to": "to", "text": "message", "sender": "from", "reference": "reference"},
        # Where the gateway's answer carries its message id.
        "id_field": env("SMS_GATEWAY_ID_FIELD", default="id"),
        # Inbound SMS (POST /messaging/webhooks/sms/): the shared token the gateway sends
        # and the names of its fields. No token: inbound SMS is refused.
        "inbound_token": env("SMS_INBOUND_TOKEN", default=""),
        "inbound_fields": {"from": "from", "text": "text", "id": "id"},
        "timeout": env.float("SMS_TIMEOUT", default=10.0),
    },
    # Token bucket per sender number (messages per second; the Cloud API allows 80 by
    # default, up to 1,000) and the number's messaging tier: unique recipients reached
    # within a moving window of 24 hours (limits.py; 0 = unlimited).
    "RATE_PER_SECOND": env.int("MESSAGING_RATE_PER_SECOND", default=80),
    "DAILY_BUDGET": env.int("MESSAGING_DAILY_BUDGET", default=1000),
    "BUDGET_WINDOW_HOURS": 24,
    "BATCH": env.int("MESSAGING_BATCH", default=200),
    # Rows whose attempts are written (one transaction) before their calls, and the
    # calls in flight at once for providers that allow it (HTTP ones). A batch is at
    # most BATCH / CONCURRENCY rounds of calls (12.5: even if every call times out, about
    # the lease); fewer, larger transactions per message (bench/messaging.py).
    "SEND_CHUNK": env.int("MESSAGING_SEND_CHUNK", default=200),
    "CONCURRENCY": env.int("MESSAGING_CONCURRENCY", default=16),
    "LEASE_SECONDS": env.int("MESSAGING_LEASE_SECONDS", default=120),
    "MAX_ATTEMPTS": env.int("MESSAGING_MAX_ATTEMPTS", default=12),
    "BACKOFF_BASE_SECONDS": env.float("MESSAGING_BACKOFF_BASE_SECONDS", default=30.0),
    "BACKOFF_MAX_SECONDS": env.float("MESSAGING_BACKOFF_MAX_SECONDS", default=3600.0),
    # An "unknown" message (a worker died or timed out after the provider may have taken
    # it) waits this long for a status webhook before it may be sent again.
    "UNKNOWN_GRACE_SECONDS": env.int("MESSAGING_UNKNOWN_GRACE_SECONDS", default=900),
    "WEBHOOK_MAX_BYTES": 1_000_000,
    # The approved WhatsApp template that carries a staff answer once the 24-hour window
    # has closed (its one body parameter is the answer).
    "REPLY_TEMPLATE": {"name": env("WHATSAPP_REPLY_TEMPLATE", default="lindung_balasan"), "language": "id"},
    # Campaigns (messaging/campaigns): no message between these local hours (start, end)
    # in the recipient's own time zone; (0, 0) turns quiet hours off.
    "QUIET_HOURS": (env.int("MESSAGING_QUIET_START", default=21), env.int("MESSAGING_QUIET_END", default=8)),
    # {self_service_link}: the URL name of the participant's own page and this site's
    # address. Until a URL of that name exists, messages using the variable are skipped.
    "SELF_SERVICE_URL_NAME": env("MESSAGING_SELF_SERVICE_URL_NAME", default="selfservice:home"),
    "SITE_URL": env("SITE_URL", default="http://127.0.0.1:8000"),
}
