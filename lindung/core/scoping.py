"""Scoping by user, kept for the many readers that start from ``request.user``: a thin
door onto the one access model (core/access.py), which builds each model's scope from
its declared ``ACCESS`` rule. Nothing here decides anything of its own."""

from typing import Any, TypeVar

from django.db import models

from .access import get_or_404, principal_of, scope

M = TypeVar("M", bound=models.Model)


def scope_queryset(user: Any, queryset: "models.QuerySet[M]", action: str = "view") -> "models.QuerySet[M]":
    return scope(principal_of(user), queryset, action)


def get_scoped_or_404(user: Any, queryset: "models.QuerySet[M]", action: str = "view", **lookup: object) -> M:
    """One object the user may see; "not yours" and "does not exist" both answer 404."""
    return get_or_404(principal_of(user), queryset, action, **lookup)
