"""Celery entry point of the dispatcher (LINDUNG_JOBS_MODE=celery): kicked when outbox
rows are written and by beat every few seconds (schedule.py)."""

from celery import shared_task

from .dispatch import TASK_NAME, dispatch_until_idle
from .webhook_apply import TASK_NAME as WEBHOOK_TASK_NAME
from .webhook_apply import webhook_apply_all


@shared_task(name=TASK_NAME)
def dispatch_task() -> int:
    return dispatch_until_idle(owner="celery").sent


@shared_task(name=WEBHOOK_TASK_NAME)
def apply_webhooks_task() -> int:
    return webhook_apply_all()
