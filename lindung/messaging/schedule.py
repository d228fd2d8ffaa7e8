"""Periodic messaging work for Celery beat (imported by the settings: names tasks by
string, imports nothing of Django's)."""

from typing import Any

from celery.schedules import crontab

MESSAGING_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The dispatcher is kicked when rows are written; this picks up rows whose
    # not_before has come (backoff, rate and budget waits), reaps expired leases and
    # settles "unknown" rows.
    "messaging-dispatch": {"task": "lindung.messaging.dispatch", "schedule": 10.0},
    # Stored status callbacks are applied when a webhook kicks; this is the safety net.
    "messaging-webhooks": {"task": "lindung.messaging.apply_webhooks", "schedule": 10.0},
    # Scheduled campaigns start, finished ones complete (campaigns/clock.py).
    "messaging-campaigns-tick": {"task": "lindung.messaging.campaigns_tick", "schedule": 60.0},
    # The reminder policy's campaigns for the day, after the arrears recount (00:05) and
    # before people's mornings (quiet hours hold anything early until 08:00 local).
    "messaging-reminder-policy": {"task": "lindung.messaging.reminder_policy", "schedule": crontab(minute=30, hour=6)},
}
