"""The outbox (MSG-6): rows written before anything is queued, and every status change a
conditional UPDATE, so a task run twice, a reaper racing a worker or a webhook arriving
before the worker's own update never moves a message backwards or sends it twice.

``TRANSITIONS`` is the status machine as data: a target status and the statuses it may
be reached from. Statuses only move forward (``read`` never becomes ``delivered``)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.billing.models import Bill
from lindung.core import access
from lindung.participants.models import Participant

from .effect.holdout import CONTROL_REASON, held_out
from .models import Channel, OutboxMessage, Status

logger = logging.getLogger(__name__)

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENDING: frozenset({S.QUEUED}),
    # Back to the queue: a retry, a rate/budget wait, a lease returned by the reaper, an
    # unknown message the webhooks never confirmed.
    S.QUEUED: frozenset({S.SENDING, S.UNKNOWN}),
    S.UNKNOWN: frozenset({S.SENDING}),
    S.SKIPPED: frozenset({S.QUEUED, S.SENDING}),
    # Provider answers and webhooks: forward only.
    S.SENT: frozenset({S.SENDING, S.UNKNOWN}),
    S.DELIVERED: frozenset({S.SENDING, S.UNKNOWN, S.SENT}),
    S.READ: frozenset({S.SENDING, S.UNKNOWN, S.SENT, S.DELIVERED}),
    S.FAILED: frozenset({S.SENDING, S.UNKNOWN, S.SENT}),
}
TIME_FIELD: dict[str, str] = {S.SENT: "sent_at", S.DELIVERED: "delivered_at", S.READ: "read_at"}


def move(message_id: int, target: str, *, lease: str | None = None, **fields: Any) -> bool:
    """``UPDATE ... SET status = target WHERE id = ? AND status IN (sources)`` (and the
    lease token, when given: only the claim's holder may give a row back). True if this call made the change."""
    now = timezone.now()
    rows = OutboxMessage.objects.filter(pk=message_id, status__in=TRANSITIONS[target])
    if lease is not None:
        rows = rows.filter(lease_owner=lease)
    if target in TIME_FIELD:
        fields.setdefault(TIME_FIELD[target], now)
    if target != S.SENDING:
        fields.setdefault("leased_until", None)
    if target == S.QUEUED:
        fields.setdefault("lease_owner", "")
    return rows.update(status=target, status_at=now, **fields) == 1


def dedupe_key(participant_id: int, bill_id: int | None, stage: str, channel: str) -> str:
    return f"{participant_id}:{bill_id if bill_id is not None else '-'}:{stage}:{channel}"


@dataclass(frozen=True)
class NewMessage:
    participant_id: int
    channel: str
    stage: str
    bill_id: int | None = None
    template: str = ""
    language: str = "id"
    params: tuple[str, ...] = ()
    body: str = ""
    sender: str = ""


def outbox_enqueue(
    *, actor: User | None, messages: Iterable[NewMessage], source: str = "", control_percent: int = 0
) -> int:
    """Write outbox rows (one per participant, bill, stage and channel: a second write of
    the same one is ignored) and kick the dispatcher after commit. How many were new.

    ``control_percent``: hold back that share of participants as the control group of
    ``source`` (effect/holdout.py). Their rows are written too, already ``skipped`` with
    reason "control", so the effect report knows whom it compares with. A campaign
    passes ``ControlShare.on(planning day)`` (or its own share)."""
    principal = access.principal_of(actor)
    rows = []
    for m in messages:
        control = held_out(m.participant_id, source, control_percent)
        row = OutboxMessage(
            participant_id=m.participant_id,
            bill_id=m.bill_id,
            stage=m.stage,
            channel=Channel(m.channel),
            dedupe_key=dedupe_key(m.participant_id, m.bill_id, m.stage, m.channel),
            source=source,
            template=m.template,
            language=m.language,
            params=list(m.params),
            body=m.body,
            sender=m.sender,
            status=Status.SKIPPED if control else Status.QUEUED,
            skip_reason=CONTROL_REASON if control else "",
        )
        rows.append(row)
    if principal.kind != access.Kind.SYSTEM:
        access.require_may(principal, OutboxMessage, "add")
        allowed = set(
            access.scope(principal, Participant.objects.filter(pk__in={r.participant_id for r in rows})).values_list(
                "pk", flat=True
            )
        )
        if any(r.participant_id not in allowed for r in rows):
            raise access.PermissionDenied
    with transaction.atomic():
        before = OutboxMessage.objects.count() if rows else 0
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = OutboxMessage.objects.count() - before if rows else 0
        transaction.on_commit(kick)
    return created


def outbox_fallback_sms(message: OutboxMessage, reason: str) -> OutboxMessage | None:
    """A WhatsApp message that can never be delivered goes by SMS instead: a new row with
    the same participant, bill and stage (the unique key keeps it to one)."""
    if message.channel != Channel.WHATSAPP:
        return None
    key = dedupe_key(message.participant_id, message.bill_id, message.stage, Channel.SMS)
    try:
        with transaction.atomic():
            row, _created = OutboxMessage.objects.get_or_create(
                dedupe_key=key,
                defaults={
                    "participant_id": message.participant_id,
                    "bill_id": message.bill_id,
                    "stage": message.stage,
                    "channel": Channel.SMS,
                    "source": message.source,
                    "template": message.template,
                    "language": message.language,
                    "params": message.params,
                    "body": message.body,
                    "fallback_of": message,
                },
            )
    except IntegrityError:
        row = OutboxMessage.objects.get(dedupe_key=key)
    logger.info("outbox %s: WhatsApp refused for good (%s); SMS fallback %s", message.pk, reason, row.pk)
    return row


def bill_is_paid(bill: Bill) -> bool:
    return bill.settled_on is not None or bill.paid_amount >= bill.amount


def kick() -> None:
    from .dispatch import kick as dispatch_kick

    dispatch_kick()
