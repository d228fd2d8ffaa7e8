"""Per-address limits (sliding windows, lindung/core/ratelimit.py): filing floods and
number guessing both stop here."""

from django.http import HttpRequest

from lindung.core import ratelimit

FILE_LIMIT = (10, 3600)  # tickets an address may file per hour
FOLLOW_LIMIT = (30, 60)  # ticket numbers an address may try per minute


def allowed(request: HttpRequest, name: str, limit: tuple[int, int]) -> bool:
    return ratelimit.allowed(request, f"feedback:{name}", limit)
