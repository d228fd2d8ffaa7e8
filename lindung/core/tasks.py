"""Celery entry points of the core: delivering domain events to asynchronous
subscribers (core/events_async.py). A commit that writes such events sends this task at
once; beat sends it every minute too, so nothing waits long after a lost message."""

from celery import shared_task

from .events_async import TASK_NAME, deliver_all


@shared_task(name=TASK_NAME)
def deliver_events_task() -> dict[str, int]:
    return deliver_all()
