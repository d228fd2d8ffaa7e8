"""Counting tries per key over a sliding window, in the shared cache, so a limit holds
across web workers and across the turn of a minute.

A fixed window (one counter per clock minute) lets a script spend its whole allowance
in the last second of one minute and again in the first second of the next: twice the
limit in two seconds, and a test's burst that crossed the boundary was let through. Here
the previous window's count is weighed by how much of it still lies inside the last
``window`` seconds (the usual two-counter approximation of a sliding log): two cache keys
per name, whatever the traffic.
"""

import math
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a
    # trusted proxy rewrites it, and the proxy setup is a deployment decision.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def now() -> float:
    """The clock the counters read; tests pin it."""
    return time.time()


def _keys(name: str, window: int, at: float) -> tuple[str, str, float]:
    index = int(at // window)
    elapsed = (at - index * window) / window
    return f"ratelimit:{name}:{index}", f"ratelimit:{name}:{index - 1}", elapsed


def _estimate(previous: int, current: int, elapsed: float) -> int:
    # Rounded up: a limiter that errs counts one try too many, never one too few.
    return math.ceil(previous * (1.0 - elapsed) + current - 1e-9)


def count(name: str, window: int) -> int:
    """Tries counted under ``name`` in the last ``window`` seconds (estimated)."""
    current_key, previous_key, elapsed = _keys(name, window, now())
    found = cache.get_many([current_key, previous_key])
    return _estimate(int(found.get(previous_key, 0)), int(found.get(current_key, 0)), elapsed)


def hit(name: str, window: int) -> int:
    """Count one more try under ``name``; the tries in the last ``window`` seconds, this one included."""
    current_key, previous_key, elapsed = _keys(name, window, now())
    # add() is a no-op when the key exists, so concurrent first hits do not reset it.
    cache.add(current_key, 0, timeout=window * 2)
    try:
        current = int(cache.incr(current_key))
    except ValueError:  # expired between add() and incr()
        cache.set(current_key, 1, timeout=window * 2)
        current = 1
    return _estimate(int(cache.get(previous_key, 0)), current, elapsed)


def allowed(request: HttpRequest, name: str, limit: tuple[int, int]) -> bool:
    """Count this request against its address under ``name``; False once over ``limit``
    (tries, window seconds)."""
    count_max, window_seconds = limit
    return hit(f"{name}:{client_address(request)}", window_seconds) <= count_max
