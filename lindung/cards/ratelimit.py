from django.http import HttpRequest

from lindung.core import ratelimit

# Mild: a person checking a handful of cards never meets it; a script walking tokens
# gets 60 tries a minute per address, hopeless against 128-bit tokens.
VERIFY_LIMIT = 60
VERIFY_WINDOW_SECONDS = 60


def verify_allowed(request: HttpRequest) -> bool:
    """Count this request against its address's last minute."""
    return ratelimit.allowed(request, "cards:verify", (VERIFY_LIMIT, VERIFY_WINDOW_SECONDS))
