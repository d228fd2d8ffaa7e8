"""The nightly recount of the dashboards' tallies (Celery beat, see schedule.py). The
upkeep in the services keeps them exact; the recount is the safety net for writes made
behind the services' back (a bulk load, a manual fix in the database) and reports how many
keys it had to correct, which should be none."""

import logging
from typing import Any

from celery import shared_task
from django.core.cache import cache

from .rebuild import rebuild_tallies

log = logging.getLogger(__name__)
LOCK = "lindung:tallies:rebuild"
LOCK_SECONDS = 60 * 60


@shared_task(name="lindung.tallies.rebuild")
def rebuild_tallies_task() -> dict[str, Any] | None:
    if not cache.add(LOCK, "1", LOCK_SECONDS):
        return None
    try:
        result = rebuild_tallies()
    finally:
        cache.delete(LOCK)
    if result["corrected"]:
        log.warning("tally recount corrected %s keys: a write bypassed the services", result["corrected"])
    return result
