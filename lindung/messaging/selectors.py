from typing import Any

from django.db.models import QuerySet

from lindung.core import access

from .models import DevMessage, OutboxMessage


def dev_messages_for(user: Any, *, limit: int = 200) -> QuerySet[DevMessage]:
    """What the development provider 'sent', newest first (administrators)."""
    return access.scope(access.principal_of(user), DevMessage.objects.order_by("-id"))[:limit]


def outbox_statuses(dev_messages: list[DevMessage]) -> dict[int, OutboxMessage]:
    """The outbox rows behind the development provider's messages, by id (their status)."""
    ids = {m.outbox_id for m in dev_messages if m.outbox_id}
    return OutboxMessage.objects.in_bulk(ids) if ids else {}
