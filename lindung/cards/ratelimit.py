import time

from django.core.cache import cache
from django.http import HttpRequest

# Mild: a person checking a handful of cards never meets it; a script walking tokens
# gets 60 tries a minute per address, hopeless against 128-bit tokens.
VERIFY_LIMIT = 60
VERIFY_WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a
    # trusted proxy rewrites it, and the proxy setup is a deployment decision.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def verify_allowed(request: HttpRequest) -> bool:
    """Count this request against its address's fixed one-minute window."""
    window = int(time.time() // VERIFY_WINDOW_SECONDS)
    key = f"cards:verify:{client_address(request)}:{window}"
    # add() is a no-op when the key exists, so concurrent first hits do not reset it.
    cache.add(key, 0, timeout=VERIFY_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=VERIFY_WINDOW_SECONDS * 2)
        count = 1
    return count <= VERIFY_LIMIT
