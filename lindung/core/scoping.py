"""The one place that turns a user into "what may I see".

Every list, detail, form, export, download, API call and dashboard narrows its queryset
here. A model declares the path to its responsible coordinator as ``SCOPE_FIELD``
(e.g. ``"coordinator"`` on Participant, ``"participant__coordinator"`` on a document);
admins see everything, coordinators only rows on their own coordinator column, anyone
else nothing. The filter is a single indexed column comparison, never a list of ids.
"""

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def scope_queryset(user: "models.Model | AnonymousUser", queryset: "models.QuerySet[M]") -> "models.QuerySet[M]":
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return queryset.none()
    if getattr(user, "is_admin", False):
        return queryset
    if getattr(user, "is_coordinator", False):
        field = getattr(queryset.model, "SCOPE_FIELD", None)
        if field is None:
            raise TypeError(f"{queryset.model.__name__} declares no SCOPE_FIELD; refusing to guess its scope")
        return queryset.filter(**{f"{field}_id": user.pk})
    return queryset.none()


def get_scoped_or_404(user: "models.Model | AnonymousUser", queryset: "models.QuerySet[M]", **lookup: object) -> M:
    """One object the user may see; "not yours" and "does not exist" both answer 404."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
