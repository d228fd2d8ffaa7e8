from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def admin_required(view: View) -> View:
    """Signed-in admins only; anyone else signed in gets 403 (anonymous: the login page)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_admin", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: View) -> View:
    """Admins and coordinators: the roles that work on participants."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (getattr(user, "is_admin", False) or getattr(user, "is_coordinator", False)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
