"""Idle timeout without a session write on every request.

The session ends SESSION_COOKIE_AGE after the last renewal. Renewing it on every
request (SESSION_SAVE_EVERY_REQUEST) wrote the session row on every page, image-less
htmx poll and API call; renewing at most once a minute keeps the timeout within a minute
of the promise (30 idle minutes) for one write a minute per active user."""

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

RENEW_AFTER_SECONDS = 60
RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only signed-in sessions are kept alive; the key's absence marks an anonymous one.
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            now = int(time.time())
            if now - int(session.get(RENEWED_KEY, 0)) >= RENEW_AFTER_SECONDS:
                # Changing the session makes SessionMiddleware save it with a fresh expiry.
                session[RENEWED_KEY] = now
        return response


@receiver(user_logged_in, dispatch_uid="lindung-session-renewed-at-login")
def _renewed_at_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # Signing in has just written the session: the next minute needs no renewal.
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_KEY] = int(time.time())
