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
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from lindung.accounts.models import User

from . import liveness
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
        from kombu.exceptions import OperationalError as BrokerUnreachable

        from .tasks import run_job_task

        try:
            run_job_task.delay(job_id)
        except BrokerUnreachable:
            # The row is committed and stays queued: run_pending_jobs sends it again once
            # the broker is back. The person who asked sees "waiting", not an error.
            logger.warning("broker unreachable: job %s stays queued until run_pending_jobs resends it", job_id)
    elif mode == "inline":
        job_run(job_id)
    else:  # "thread": the embedded default, no broker to install
        # The thread runs in a copy of the queuing request's context: its log lines carry
        # that request's id (lindung.core.logs), as a Celery task's do.
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(_run_in_thread, job_id), daemon=True, name=f"job-{job_id}").start()


def _run_in_thread(job_id: int) -> None:
    try:
        job_run(job_id)
    finally:
        close_old_connections()


def job_run(job_id: int) -> bool:
    """Claim and run one queued job. Returns False if someone else has it. The job's
    liveness lock is taken before the claim and kept until its outcome is written, so the
    reaper can tell a job whose worker died from one still being worked on."""
    with liveness.running(job_id) as mine:
        return mine and _claim_and_run(job_id)


def _claim_and_run(job_id: int) -> bool:
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
    """Return jobs whose worker died (running, and on PostgreSQL nobody holds their
    liveness lock; elsewhere: running for too long) or whose message was lost (queued for
    too long, e.g. the broker was down when they were asked for) to the queue, up to
    MAX_ATTEMPTS; beyond that, fail them. Sending a job twice is harmless: the claim in
    job_run lets one delivery run it."""
    cutoff = timezone.now() - older_than
    requeued: list[int] = []
    if liveness.supported():
        for job_id in Job.objects.filter(status=JobStatus.RUNNING).values_list("pk", flat=True):
            with liveness.orphaned(job_id) as dead:
                if dead:
                    requeued += _requeue_or_give_up(Job.objects.filter(pk=job_id, status=JobStatus.RUNNING))
    else:
        requeued = _requeue_or_give_up(Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff))
    lost = Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    send = sorted({*requeued, *lost})
    for job_id in send:  # after the liveness locks are released, so a worker can take them
        _dispatch(job_id)
    return len(send)


def _requeue_or_give_up(stale: "QuerySet[Job]") -> list[int]:
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=JobStatus.FAILED, message="stopped after repeated interruptions", finished_at=timezone.now()
    )
    ids = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING).update(status=JobStatus.QUEUED)
    return ids
