from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from lindung.core import access
from lindung.core.permissions import STAFF_KINDS


class IsAdminOrCoordinator(BasePermission):
    """The roles that work on participants. Signed-in users with neither role get 403
    rather than an empty list, so a misconfigured account is noticed, not mistaken for
    "no data"."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.principal_of(request.user).kind in STAFF_KINDS
