"""Beat entry for the nightly tally recount (wired into CELERY_BEAT_SCHEDULE in settings)."""

from typing import Any

from celery.schedules import crontab

TALLIES_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # After the coverage refresh (01:45): quiet hours, when the short write pause it
    # causes on PostgreSQL (writers queue behind the recount) bothers nobody.
    "tallies-rebuild": {"task": "lindung.tallies.rebuild", "schedule": crontab(minute=30, hour=2)},
}
