from typing import Any

from django.db.models import QuerySet

from lindung.core import access

from .models import DevMessage


def dev_messages_for(user: Any, *, limit: int = 200) -> QuerySet[DevMessage]:
    """What the development provider 'sent', newest first (administrators)."""
    return access.scope(access.principal_of(user), DevMessage.objects.order_by("-id"))[:limit]
