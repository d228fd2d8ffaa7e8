"""A real Celery worker killed with SIGKILL in the middle of a job, then restarted: the
job finishes exactly once, an import is all or nothing, an export's file exists once."""

import contextlib
import os
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.core.tests.factories import AdminFactory, bengkalis_village
from lindung.jobs.models import Job, JobStatus
from lindung.jobs.services import job_enqueue, jobs_requeue_stale
from lindung.participants.imports import jobs as imports
from lindung.participants.models import Participant
from lindung.participants.tests.factories import ParticipantFactory
from lindung.participants.tests.import_helpers import HEADER, csv_bytes, person

from .servers import Redis, skip_unless_postgresql_pass, wait_for_port
from .workers import Worker, celery_client, redis_reachable, wait_until

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BROKER = "redis://127.0.0.1:6379/6"
SPARE_REDIS_PORT = 16381
ROWS = 40


@pytest.fixture
def worker(tmp_path: Path, monkeypatch):
    skip_unless_postgresql_pass()  # the worker needs the test database from another process
    with contextlib.ExitStack() as stack:
        broker = BROKER
        if not redis_reachable(BROKER):  # no Redis on this machine: one of the test's own
            stack.enter_context(Redis(tmp_path, SPARE_REDIS_PORT).serving())
            broker = f"redis://127.0.0.1:{SPARE_REDIS_PORT}/0"
            wait_for_port(SPARE_REDIS_PORT)
        queue = stack.enter_context(celery_client(broker, monkeypatch))
        yield Worker(tmp_path, broker, queue)


def status(job: Job) -> str:
    job.refresh_from_db()
    return job.status


def kill(child) -> None:
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)


def recover(job: Job, worker: Worker) -> None:
    """What the operator's schedule does: run_pending_jobs finds the dead worker's job
    (its liveness lock went with the process) and sends it again."""
    wait_until(lambda: jobs_requeue_stale() >= 1, timeout=30, what="the reaper to requeue the job", worker=worker)
    wait_until(lambda: status(job) == JobStatus.SUCCEEDED, timeout=120, what="the job to finish", worker=worker)


def test_worker_killed_during_an_import_commit(worker: Worker):
    bengkalis_village()
    admin = AdminFactory()
    upload = SimpleUploadedFile("peserta.csv", csv_bytes([HEADER, *(person(n) for n in range(1, ROWS + 1))]))
    with worker.running() as first:
        preview = imports.import_start(actor=admin, upload=upload)
        wait_until(lambda: status(preview) == JobStatus.SUCCEEDED, timeout=120, what="the preview", worker=worker)
        commit = imports.import_commit(actor=admin, preview=preview)
        wait_until(lambda: (worker.marks / "in-import-commit").exists(), timeout=60, what="the commit", worker=worker)
        assert Participant.objects.count() == 0  # inside the commit's open transaction
        kill(first)

    assert Participant.objects.count() == 0  # nothing half-imported
    assert status(commit) == JobStatus.RUNNING  # as the dead worker left it

    with worker.running():
        recover(commit, worker)

    assert Participant.objects.count() == ROWS  # all of it, once
    commit.refresh_from_db()
    assert commit.attempts == 2 and commit.result["import"]["counts"]["new"] == ROWS
    assert Job.objects.filter(kind=imports.COMMIT_JOB).count() == 1


def test_worker_killed_during_an_export(worker: Worker):
    admin = AdminFactory()
    ParticipantFactory.create_batch(5)
    private = Path(Job._meta.get_field("result_file").storage.location)  # type: ignore[attr-defined]
    outputs_before = set((private / "jobs" / "output").glob("*")) if (private / "jobs" / "output").is_dir() else set()
    with worker.running() as first:
        job = job_enqueue(
            actor=admin, kind="reports.participants_export", params={"format": "csv", "query": {}, "language": "id"}
        )
        wait_until(lambda: (worker.marks / "in-export").exists(), timeout=60, what="the export", worker=worker)
        kill(first)
    assert status(job) == JobStatus.RUNNING

    with worker.running():
        recover(job, worker)

    job.refresh_from_db()
    assert job.attempts == 2 and job.result["rows"] == 5
    made = set((private / "jobs" / "output").glob("*")) - outputs_before
    assert made == {private / job.result_file.name}  # one file, the job's own
    assert job.result_file.read().decode("utf-8-sig").count("\n") >= 6
