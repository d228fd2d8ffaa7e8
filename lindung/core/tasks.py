"""Celery entry points of the core: delivering domain events to asynchronous
subscribers (core/events_async.py). A commit that writes such events sends this task at
once; beat sends it every minute too, so nothing waits long after a lost message."""

from celery import shared_task

from .events_async import TASK_NAME, deliver_all
from .orphan_files import sweep

SWEEP_TASK_NAME = "lindung.core.sweep_orphan_files"


@shared_task(name=TASK_NAME)
def deliver_events_task() -> dict[str, int]:
    return deliver_all()


@shared_task(name=SWEEP_TASK_NAME)
def sweep_orphan_files_task() -> dict[str, int]:
    """Daily: uploads left by rolled-back transactions (core/orphan_files.py)."""
    result = sweep()
    return {"checked": result.checked, "removed": len(result.removed), "kept_young": result.kept_young}
