"""Fixed-window limits per address: filing floods and number guessing both stop here."""

import time

from django.core.cache import cache
from django.http import HttpRequest

from lindung.cards.ratelimit import client_address

FILE_LIMIT = (10, 3600)  # tickets an address may file per hour
FOLLOW_LIMIT = (30, 60)  # ticket numbers an address may try per minute


def allowed(request: HttpRequest, name: str, limit: tuple[int, int]) -> bool:
    count_max, window_seconds = limit
    window = int(time.time() // window_seconds)
    key = f"feedback:{name}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window_seconds * 2)
        count = 1
    return count <= count_max
