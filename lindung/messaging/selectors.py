from typing import Any

from django.db.models import QuerySet

from lindung.core import access

from .models import DevMessage, OutboxMessage


def dev_messages_for(user: Any, *, limit: int = 200) -> QuerySet[DevMessage]:
    """What the development provider 'sent', newest first (administrators)."""
    return access.scope(access.principal_of(user), DevMessage.objects.order_by("-id"))[:limit]


def participant_messages(user: Any, participant: Any, *, limit: int = 50) -> list[OutboxMessage]:
    """A participant's messages, newest first (the participant page's timeline and the
    API): one indexed read on (participant, -id), within the reader's scope."""
    rows = access.scope(access.principal_of(user), OutboxMessage.objects.filter(participant_id=participant.pk))
    return list(rows.order_by("-id")[:limit])
