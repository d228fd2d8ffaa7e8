"""/healthz and /readyz for load balancers and monitoring: public, cheap (a handful of
indexed queries and a Redis ping), JSON, never a secret or a connection string in them.

/healthz: the process answers (no database), for restarting a hung worker.
/readyz: 503 when the database, Redis (cache) or the job broker cannot be reached (take
the node out of the pool); 200 otherwise, with "status": "degraded" when the job queue
lags or a nightly recount is overdue (alert someone, keep serving)."""

import functools
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindung.core.permissions import public

OK, ERROR, NOT_USED = "ok", "unreachable", "not used"
TIMEOUT_SECONDS = 1.0


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except Exception:  # noqa: BLE001 - whatever the failure, the answer is "unreachable"
        return ERROR


@functools.cache
def _redis_client(url: str) -> Any:
    import redis

    # One pooled client per URL and process: a probe every few seconds reuses its
    # connection instead of opening one each time (reconnects by itself after a failure).
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)


def _redis(url: str) -> str:
    try:
        _redis_client(url).ping()
        return OK
    except Exception:  # noqa: BLE001
        return ERROR


def _broker() -> str:
    if settings.LINDUNG_JOBS_MODE != "celery":
        return NOT_USED
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        return _redis(url)
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1)
        return OK
    except Exception:  # noqa: BLE001
        return ERROR


def _cache() -> str:
    location = settings.CACHES["default"].get("LOCATION")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower() or not location:
        return NOT_USED
    return _redis(location[0] if isinstance(location, list | tuple) else location)


def _age(when: datetime | None, now: datetime) -> int | None:
    return None if when is None else max(0, int((now - when).total_seconds()))


def _queue(now: datetime) -> dict[str, Any]:
    from lindung.jobs.models import Job, JobStatus

    # Both answered from the (status, created_at) index.
    queued = Job.objects.filter(status=JobStatus.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    return {"queued": queued.count(), "oldest_queued_seconds": _age(oldest, now) or 0}


def _recounts(now: datetime) -> dict[str, int | None]:
    from lindung.billing.models import ArrearsRebuild
    from lindung.tallies.models import TallyRebuild

    tallies = TallyRebuild.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    arrears = ArrearsRebuild.objects.order_by("-id").values_list("finished_at", flat=True).first()
    return {"tallies_seconds": _age(tallies, now), "arrears_seconds": _age(arrears, now)}


@public
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    checks = {"database": _database(), "redis": _cache(), "broker": _broker()}
    body: dict[str, Any] = {"checks": checks}
    warnings: list[str] = []
    if checks["database"] == OK:
        now = timezone.now()
        try:
            body["jobs"] = _queue(now)
            body["last_recount"] = _recounts(now)
        except Exception:  # noqa: BLE001 - tables missing (not migrated) count as not ready
            checks["database"] = ERROR
    if checks["database"] == OK:
        if body["jobs"]["oldest_queued_seconds"] > settings.LINDUNG_READY_MAX_QUEUE_SECONDS:
            warnings.append("job queue lagging")
        for name, age in body["last_recount"].items():
            if age is None or age > settings.LINDUNG_READY_MAX_RECOUNT_SECONDS:
                warnings.append(f"{name.removesuffix('_seconds')} recount overdue")
    unavailable = ERROR in checks.values()
    body["status"] = "unavailable" if unavailable else "degraded" if warnings else "ok"
    body["warnings"] = warnings
    body["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(body, status=503 if unavailable else 200)
