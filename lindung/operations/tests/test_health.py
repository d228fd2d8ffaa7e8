"""/healthz and /readyz: public, JSON, 503 only when a dependency is unreachable, and
"degraded" when the job queue lags or a nightly recount is overdue."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from lindung.billing.models import ArrearsRebuild
from lindung.jobs.models import Job, JobStatus
from lindung.tallies.models import TallyRebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def recounted():
    TallyRebuild.objects.create(seconds=1.0)
    ArrearsRebuild.objects.create(day=timezone.localdate(), rows=0, seconds=1.0)


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_public_and_ok_when_all_is_well(client, recounted):
    response = client.get("/readyz")  # nobody signed in
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["warnings"] == []
    # Test settings: local memory cache, jobs run inline.
    assert body["checks"] == {"database": "ok", "redis": "not used", "broker": "not used"}
    assert body["jobs"] == {"queued": 0, "oldest_queued_seconds": 0}
    assert body["last_recount"]["tallies_seconds"] < 60 and body["last_recount"]["arrears_seconds"] < 60


def test_readyz_only_answers_get(client):
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_readyz_reports_queue_lag_and_missing_recounts_as_degraded(client, coord_a):
    job = Job.objects.create(kind="participants.export", created_by=coord_a, status=JobStatus.QUEUED)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    Job.objects.create(kind="participants.export", created_by=coord_a, status=JobStatus.QUEUED)
    Job.objects.create(kind="participants.export", created_by=coord_a, status=JobStatus.SUCCEEDED)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200  # still serving: alert, do not take out of the pool
    assert body["status"] == "degraded"
    assert body["jobs"]["queued"] == 2 and 1190 <= body["jobs"]["oldest_queued_seconds"] <= 1300
    assert body["last_recount"] == {"tallies_seconds": None, "arrears_seconds": None}
    assert body["warnings"] == ["job queue lagging", "tallies recount overdue", "arrears recount overdue"]


def test_readyz_reports_an_old_recount(client, settings, recounted):
    TallyRebuild.objects.update(finished_at=timezone.now() - datetime.timedelta(hours=30))
    body = client.get("/readyz").json()
    assert body["warnings"] == ["tallies recount overdue"]
    assert body["last_recount"]["tallies_seconds"] >= 30 * 3600


def test_readyz_checks_redis_and_broker_when_used(client, settings, recounted):
    settings.LINDUNG_JOBS_MODE = "celery"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/5"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/5"}
    }
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"}


def test_readyz_is_unavailable_when_the_broker_is_down_and_names_no_address(client, settings, recounted):
    settings.LINDUNG_JOBS_MODE = "celery"
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["broker"] == "unreachable"
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_readyz_is_unavailable_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("connection to server at 10.0.0.5 refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    assert "10.0.0.5" not in response.content.decode()
