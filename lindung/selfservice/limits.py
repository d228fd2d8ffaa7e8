"""How long codes and sessions live and how often one may try: settings with defaults
(LINDUNG_SELFSERVICE in the environment-driven settings may override any of them)."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, int] = {
    # A code is good for five minutes, once, and dies after three wrong tries.
    "CODE_SECONDS": 5 * 60,
    "CODE_WRONG_TRIES": 3,
    # Code requests: per NIK and per address, in a rolling window.
    "CODES_PER_NIK": 3,
    "CODES_PER_ADDRESS": 10,
    "CODE_WINDOW_SECONDS": 15 * 60,
    # Wrong codes: this many for one NIK (or from one address) locks sign-in for the window.
    "FAILURES_PER_NIK": 5,
    "FAILURES_PER_ADDRESS": 20,
    "LOCKOUT_SECONDS": 30 * 60,
    # Browser sessions end after 15 idle minutes and at most two hours after sign-in.
    "WEB_IDLE_SECONDS": 15 * 60,
    "WEB_MAX_SECONDS": 2 * 60 * 60,
    # API tokens live an hour; the app signs in again with a fresh code.
    "API_TOKEN_SECONDS": 60 * 60,
    # Self-registrations from one address per hour.
    "REGISTRATIONS_PER_ADDRESS": 5,
    "REGISTRATION_WINDOW_SECONDS": 60 * 60,
    # The KTP photo is stored at most this wide/tall (pixels), whatever was uploaded.
    "PHOTO_MAX_SIDE": 1600,
}


def limit(name: str) -> int:
    overrides: dict[str, Any] = getattr(settings, "LINDUNG_SELFSERVICE", {})
    return int(overrides.get(name, DEFAULTS[name]))
