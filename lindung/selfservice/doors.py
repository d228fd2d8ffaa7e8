"""The participant's door (core/permissions.Door.PARTICIPANT): the page opens only with
a live participant session, read from a cookie of its own (limited to the participant
pages' path), so a participant session never reaches a staff page and a staff session
never opens a participant page."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from lindung.core.permissions import Door, declare

from .models import SessionKind
from .principal import ParticipantUser
from .signin import session_for_key

COOKIE_NAME = "lindung_participant"
COOKIE_PATH = "/saya/"

View = Callable[..., HttpResponseBase]


def participant_of(request: HttpRequest) -> ParticipantUser | None:
    session = session_for_key(request.COOKIES.get(COOKIE_NAME, ""), SessionKind.WEB)
    if session is None:
        return None
    return ParticipantUser(participant_id=session.participant_id, session_id=session.pk)


def participant_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        who = participant_of(request)
        if who is None:
            response: HttpResponseBase = HttpResponseRedirect(
                f"{reverse('selfservice:sign_in')}?next={quote(request.path)}"
            )
            response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
            return response
        request.participant_user = who  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        # Personal data: no shared or browser cache keeps these pages (no-store, private).
        add_never_cache_headers(response)
        return response

    return declare(Door.PARTICIPANT, wrapper)


def who(request: HttpRequest) -> ParticipantUser:
    user = getattr(request, "participant_user", None)
    assert isinstance(user, ParticipantUser), "only behind participant_required"
    return user


def set_session_cookie(response: HttpResponse, key: str, *, secure: bool) -> None:
    # A browser-session cookie (no max_age): the server-side row decides the expiry.
    response.set_cookie(COOKIE_NAME, key, path=COOKIE_PATH, secure=secure, httponly=True, samesite="Lax")
