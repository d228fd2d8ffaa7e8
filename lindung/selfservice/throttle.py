"""Counting tries in a window, in the shared cache (as cards/ratelimit.py does), so the
limits hold across web workers. Keys never hold a NIK in clear: a keyed hash."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted
    # proxy rewrites it (a deployment decision, docs/deployment.md).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def nik_key(nik: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"nik:{nik}".encode(), hashlib.sha256).hexdigest()[:32]


def _bucket(name: str, window: int) -> str:
    return f"selfservice:{name}:{int(time.time() // window)}"


def count(name: str, window: int) -> int:
    """How many tries were counted under ``name`` in the current window."""
    return int(cache.get(_bucket(name, window), 0))


def hit(name: str, window: int) -> int:
    """Count one more try under ``name`` in its fixed window; the new count."""
    key = _bucket(name, window)
    # add() is a no-op when the key exists, so concurrent first hits do not reset it.
    cache.add(key, 0, timeout=window * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window * 2)
        return 1


def lock(name: str, seconds: int) -> None:
    cache.set(f"selfservice:lock:{name}", int(time.time()) + seconds, timeout=seconds)


def locked_for(name: str) -> int:
    """Seconds left of a lockout on ``name`` (0: not locked)."""
    until = cache.get(f"selfservice:lock:{name}")
    return max(0, int(until) - int(time.time())) if until else 0
