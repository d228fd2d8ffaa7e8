"""Celery entry point of the dispatcher (LINDUNG_JOBS_MODE=celery): kicked when outbox
rows are written and by beat every few seconds (schedule.py)."""

from celery import shared_task

from .dispatch import TASK_NAME, dispatch_until_idle


@shared_task(name=TASK_NAME)
def dispatch_task() -> int:
    return dispatch_until_idle(owner="celery").sent
