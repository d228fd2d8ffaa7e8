"""Reads of the inbox, scoped through core.access: a coordinator sees the messages of
their own participants; messages from numbers that match nobody have no coordinator,
so only administrators see them."""

from typing import Any

from django.db.models import QuerySet

from lindung.core import access

from ..models import InboundMessage, InboxState

FILTERS = ("open", "done", "mine", "unmatched", "all")


def inbox_for(user: Any, state: str = "open") -> QuerySet[InboundMessage]:
    rows = access.scope(access.principal_of(user), InboundMessage.objects.all())
    if state == "open":
        rows = rows.exclude(state=InboxState.DONE)
    elif state == "done":
        rows = rows.filter(state=InboxState.DONE)
    elif state == "mine":
        rows = rows.filter(assigned_to=user).exclude(state=InboxState.DONE)
    elif state == "unmatched":
        rows = rows.filter(participant__isnull=True)
    return rows.select_related("participant", "assigned_to").order_by("-id")


def inbound_get_for_user(user: Any, pk: int) -> InboundMessage:
    return access.get_or_404(
        access.principal_of(user), InboundMessage.objects.select_related("participant__coordinator"), pk=pk
    )


def thread_of(inbound: InboundMessage, limit: int = 50) -> list[InboundMessage]:
    """The other messages from the same number on the same channel, newest first."""
    return list(
        InboundMessage.objects.filter(from_number=inbound.from_number, channel=inbound.channel)
        .exclude(pk=inbound.pk)
        .order_by("-id")[:limit]
    )
