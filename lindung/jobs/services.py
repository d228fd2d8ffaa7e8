"""Queue and run jobs. Every state change is a conditional UPDATE on the row, so a job
delivered twice (broker retry, reaper and worker racing) runs once."""

import contextvars
import logging
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from lindung.accounts.models import User

from .models import Job, JobStatus
from .registry import handler_for

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def job_enqueue(
    *, actor: User, kind: str, params: dict[str, Any] | None = None, input_file: UploadedFile | None = None
) -> Job:
    handler_for(kind)  # fail now, not in a worker, for an unknown kind
    job = Job(kind=kind, params=params or {}, created_by=actor)
    if input_file is not None:
        job.input_name = (input_file.name or "upload")[-200:]
        job.input_file.save(f"{kind}-{timezone.now():%Y%m%d%H%M%S}-{job.input_name}"[-150:], input_file, save=False)
    job.save()
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    mode = settings.LINDUNG_JOBS_MODE
    if mode == "celery":
        from .tasks import run_job_task

        run_job_task.delay(job_id)
    elif mode == "inline":
        job_run(job_id)
    else:  # "thread": the embedded default, no broker to install
        # The thread runs in a copy of the queuing request's context: its log lines carry
        # that request's id (lindung.ops.logs), as a Celery task's do.
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(_run_in_thread, job_id), daemon=True, name=f"job-{job_id}").start()


def _run_in_thread(job_id: int) -> None:
    try:
        job_run(job_id)
    finally:
        close_old_connections()


def job_run(job_id: int) -> bool:
    """Claim and run one queued job. Returns False if someone else has it."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)

    def report(done: int, total: int | None = None, message: str = "") -> None:
        fields: dict[str, Any] = {"progress": done}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**fields)

    try:
        handler_for(job.kind)(job, report)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, message=str(exc)[:2000] or exc.__class__.__name__, finished_at=timezone.now()
        )
        return True
    # What the handler put on the row, then the status: progress counters were written
    # by report() and are not overwritten with this instance's stale copies.
    job.save(update_fields=["result", "result_file", "result_name", "message"])
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED, finished_at=timezone.now(), progress=Greatest(F("progress"), F("total"))
    )
    return True


def jobs_requeue_stale(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Return jobs whose worker died (running for too long) or whose message was lost
    (queued for too long) to the queue, up to MAX_ATTEMPTS; beyond that, fail them."""
    cutoff = timezone.now() - older_than
    stale_running = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff)
    stale_running.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=JobStatus.FAILED, message="stopped after repeated interruptions", finished_at=timezone.now()
    )
    requeued = stale_running.filter(attempts__lt=MAX_ATTEMPTS).update(status=JobStatus.QUEUED)
    lost = list(Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    for job_id in lost:
        _dispatch(job_id)
    return requeued + len(lost)
