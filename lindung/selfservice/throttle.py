"""Self-service's tries and lockouts, counted over sliding windows in the shared cache
(lindung/core/ratelimit.py). Keys never hold a NIK in clear: a keyed hash."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from lindung.core import ratelimit


def nik_key(nik: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"nik:{nik}".encode(), hashlib.sha256).hexdigest()[:32]


def count(name: str, window: int) -> int:
    """How many tries were counted under ``name`` in the last ``window`` seconds."""
    return ratelimit.count(f"selfservice:{name}", window)


def hit(name: str, window: int) -> int:
    """Count one more try under ``name``; the tries in the last ``window`` seconds."""
    return ratelimit.hit(f"selfservice:{name}", window)


def lock(name: str, seconds: int) -> None:
    cache.set(f"selfservice:lock:{name}", int(time.time()) + seconds, timeout=seconds)


def locked_for(name: str) -> int:
    """Seconds left of a lockout on ``name`` (0: not locked)."""
    until = cache.get(f"selfservice:lock:{name}")
    return max(0, int(until) - int(time.time())) if until else 0
