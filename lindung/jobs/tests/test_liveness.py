"""The reaper requeues a running job only when no worker holds it (PostgreSQL)."""

import pytest
from django.db import connection

from lindung.core.databases import extra_database
from lindung.core.tests.factories import CoordinatorFactory
from lindung.jobs import liveness, services
from lindung.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("liveness locks are PostgreSQL advisory locks; SQLite uses the age rule")


def running_job() -> Job:
    # Just started: the age rule alone would leave both jobs below alone for ten minutes.
    return Job.objects.create(
        kind="test_count", params={"n": 1}, created_by=CoordinatorFactory(), status=JobStatus.RUNNING, attempts=1
    )


def test_a_job_whose_worker_is_alive_is_left_alone_and_a_dead_ones_is_rerun(settings):
    settings.LINDUNG_JOBS_MODE = "inline"
    alive, dead = running_job(), running_job()
    with liveness.running(alive.pk) as held:  # a worker on its own connection, still at work
        assert held
        services.jobs_requeue_stale()
        alive.refresh_from_db()
        dead.refresh_from_db()
        assert alive.status == JobStatus.RUNNING and alive.attempts == 1
        assert dead.status == JobStatus.SUCCEEDED and dead.attempts == 2  # requeued and run once more


def test_a_second_delivery_does_not_run_a_job_that_is_running():
    job = running_job()
    with extra_database() as alias:
        from django.db import connections

        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [liveness.NAMESPACE, job.pk])
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # as if requeued by mistake
        assert services.job_run(job.pk) is False
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.attempts == 1
