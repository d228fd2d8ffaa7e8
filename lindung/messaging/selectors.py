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


def participant_messages(user: Any, participant: Any, *, limit: int = 50) -> list[OutboxMessage]:
    """A participant's messages, newest first (the participant page's timeline and the
    API): one indexed read on (participant, -id), within the reader's scope."""
    rows = access.scope(access.principal_of(user), OutboxMessage.objects.filter(participant_id=participant.pk))
    return list(rows.order_by("-id")[:limit])
