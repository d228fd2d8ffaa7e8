"""Periodic billing work for Celery beat (production, LINDUNG_JOBS_MODE=celery). The
lead wires it into settings as ``CELERY_BEAT_SCHEDULE = {**BILLING_BEAT_SCHEDULE}``.
Times are in CELERY_TIMEZONE (set it to TIME_ZONE). Every task holds a lock, so a beat
restarted twice or a manual run at the same time does the work once."""

from typing import Any

from celery.schedules import crontab

BILLING_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Bills are due on the 15th (BPU): issued on the 1st, people have two weeks.
    "billing-generate-bills": {
        "task": "lindung.billing.generate_bills",
        "schedule": crontab(minute=15, hour=1, day_of_month=1),
    },
    # The arrears page's table holds one day's figures: recount them as the day turns
    # (arrears_table.py); until it has run the page says which day it shows.
    "billing-rebuild-arrears": {
        "task": "lindung.billing.rebuild_arrears",
        "schedule": crontab(minute=5, hour=0),
    },
    # After midnight, so a bill that fell due yesterday counts as late today.
    "billing-refresh-coverage": {
        "task": "lindung.billing.refresh_coverage",
        "schedule": crontab(minute=45, hour=1),
    },
}
