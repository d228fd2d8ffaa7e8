"""Production settings: refuse to start without real secrets, harden cookies and headers."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 40 or "not-secret" in SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 40 characters.")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL).")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Each gunicorn worker keeps its database connection between requests (checked before
# reuse: base.py's CONN_HEALTH_CHECKS) instead of opening one per request: a new
# connection costs a PostgreSQL backend process, its authentication and its cold
# catalogue caches (bench/load/cpu_per_request.py measures what that cost per request).
# A conn_max_age in DATABASE_URL wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("LINDUNG_DB_CONN_MAX_AGE", default=300))  # noqa: F405
# No parallel query workers for the app's own queries, unless LINDUNG_DB_PARALLEL_WORKERS
# says how many. A parallel plan starts worker processes for one query; with every core
# already busy serving other requests they only add their start-up and hand-over. At 50
# users on 2 cores they took a third of a core; without them p95 went from 930 to 460 ms
# (BENCHMARKS.md, "50 users for 5 minutes, session 9"). Options given in DATABASE_URL win.
POSTGRES_SESSION = {
    **POSTGRES_SESSION,  # noqa: F405
    "max_parallel_workers_per_gather": str(env.int("LINDUNG_DB_PARALLEL_WORKERS", default=0)),
}
postgres_session(DATABASES, POSTGRES_SESSION, DATABASE_URL_OPTIONS)  # noqa: F405

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
