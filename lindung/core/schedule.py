"""Periodic core work for Celery beat (see config/settings/base.py). Imported by the
settings, so it names the task by string and imports nothing of Django's."""

from typing import Any

CORE_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The safety net behind the after-commit kick: a lost broker message delays
    # asynchronous subscribers by a minute at most, and loses nothing (cursors).
    "core-deliver-events": {"task": "lindung.core.deliver_events", "schedule": 60.0},
    # Uploads left by rolled-back transactions (core/orphan_files.py); files younger
    # than a day are never touched, so once a day is enough.
    "core-sweep-orphan-files": {"task": "lindung.core.sweep_orphan_files", "schedule": 24 * 3600.0},
}
