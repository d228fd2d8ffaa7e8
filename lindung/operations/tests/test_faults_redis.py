"""Redis (the broker) stopped: pages are still served, a job asked for meanwhile waits in
the database and runs once Redis is back. Uses a redis-server of its own, never the
machine's."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

from lindung.core.tests.factories import AdminFactory
from lindung.jobs.models import Job, JobStatus
from lindung.jobs.services import job_enqueue, jobs_requeue_stale
from lindung.participants.tests.factories import ParticipantFactory

from .servers import Redis, skip_unless_postgresql_pass, wait_for_port
from .workers import Worker, celery_client, wait_until

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
REDIS_PORT = 16380
BROKER = f"redis://127.0.0.1:{REDIS_PORT}/0"


@pytest.fixture
def redis_server(tmp_path: Path) -> Redis:
    skip_unless_postgresql_pass()
    return Redis(tmp_path, REDIS_PORT)


def test_redis_down_pages_served_jobs_wait_then_run(redis_server: Redis, tmp_path: Path, monkeypatch):
    admin = AdminFactory()
    ParticipantFactory.create_batch(3)
    browser = Client()
    browser.force_login(admin)
    with celery_client(BROKER, monkeypatch) as queue:
        worker = Worker(tmp_path, BROKER, queue, pause=False)
        with worker.running():
            with redis_server.serving():
                wait_for_port(REDIS_PORT)
            # Redis is down now (its process group was killed).
            assert browser.get("/participants/").status_code == 200

            started = time.monotonic()
            job = job_enqueue(
                actor=admin, kind="reports.participants_export", params={"format": "csv", "query": {}, "language": "id"}
            )
            assert time.monotonic() - started < 20  # the request is answered, not hung
            job.refresh_from_db()
            assert job.status == JobStatus.QUEUED
            assert browser.get(f"/jobs/{job.pk}/").status_code == 200  # the person sees it waiting

            with redis_server.serving():
                wait_for_port(REDIS_PORT)
                jobs_requeue_stale(older_than=timedelta(0))  # run_pending_jobs, sooner
                wait_until(
                    lambda: Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED,
                    timeout=90,
                    what="the job once Redis is back",
                    worker=worker,
                )
    job.refresh_from_db()
    assert job.attempts == 1 and job.result["rows"] == 3
