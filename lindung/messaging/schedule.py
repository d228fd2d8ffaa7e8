"""Periodic messaging work for Celery beat (imported by the settings: names tasks by
string, imports nothing of Django's)."""

from typing import Any

MESSAGING_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The dispatcher is kicked when rows are written; this picks up rows whose
    # not_before has come (backoff, rate and budget waits), reaps expired leases and
    # settles "unknown" rows.
    "messaging-dispatch": {"task": "lindung.messaging.dispatch", "schedule": 10.0},
    # Stored status callbacks are applied when a webhook kicks; this is the safety net.
    "messaging-webhooks": {"task": "lindung.messaging.apply_webhooks", "schedule": 10.0},
}
