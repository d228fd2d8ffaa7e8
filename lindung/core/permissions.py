"""Doors onto the views: every URL's view declares who may knock (a test walks the
resolver and fails on a view that declares nothing). What a principal may then see or
do inside is core/access.py's to say.

- ``public``: anyone, signed in or not (sign-in page, card verification, calculator).
- ``signed_in``: any signed-in user (own profile, the home page).
- ``staff_required``: administrators, coordinators and branch officers; the view then
  narrows every read through the access model.
- ``admin_required``: administrators only; anyone else signed in gets 403.
- ``participant``: a worker signed in to their own record with a one-time code
  (lindung/selfservice): a session of its own, never a staff session; staff and
  anonymous visitors are refused. The decorator lives with that session
  (selfservice/doors.py); the door is named here so the URL walk knows it.
"""

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .access import Kind, principal_of

View = Callable[..., HttpResponseBase]
V = TypeVar("V", bound=Callable[..., Any])


class Door(enum.StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    STAFF = "staff"
    ADMIN = "admin"
    PARTICIPANT = "participant"


STAFF_KINDS = frozenset({Kind.ADMIN, Kind.COORDINATOR, Kind.OFFICER})


def declare(door: Door, view: V) -> V:
    view.access_door = door  # type: ignore[attr-defined]
    return view


def door_of(view: Any) -> Door | None:
    """The door a resolved view declared (function views, or class views' ``access_door``)."""
    door = getattr(view, "access_door", None)
    if door is None:
        cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
        door = getattr(cls, "access_door", None)
    return Door(door) if door else None


def public(view: V) -> V:
    return declare(Door.PUBLIC, view)


def signed_in(view: View) -> View:
    return declare(Door.SIGNED_IN, login_required(view))


def _kind_required(kinds: frozenset[Kind], door: Door) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if principal_of(request.user).kind not in kinds:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return declare(door, wrapper)

    return decorator


staff_required = _kind_required(STAFF_KINDS, Door.STAFF)
admin_required = _kind_required(frozenset({Kind.ADMIN}), Door.ADMIN)
