"""WhatsApp webhooks (MSG-5, MSG-9): signature check, raw storage and status updates,
and inbound replies.

Every status callback is stored raw under a unique (message id, status, timestamp), so
a duplicate delivery is kept once. It is applied in the same request (one conditional
UPDATE: cheap) and the apply is idempotent anyway: statuses only move forward. A status
finds its outbox row by ``biz_opaque_callback_data`` (the row id we sent), else by the
provider's message id; a status for a message we do not know is stored and ignored.
"""

import hashlib
import hmac
import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from .inbox.receive import inbound_receive
from .models import Channel, InboundMessage, OutboxMessage, Status, WebhookEvent
from .outbox import move, outbox_fallback_sms
from .providers import PERMANENT_CODES

logger = logging.getLogger(__name__)

FORWARD = {"sent": Status.SENT, "delivered": Status.DELIVERED, "read": Status.READ, "failed": Status.FAILED}


def signature_valid(raw: bytes, header: str | None, secret: str) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
    secret>``, compared in constant time. No secret configured: nothing is valid."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def webhook_ingest(raw: bytes) -> dict[str, int]:
    """Store and apply one verified webhook body, in one transaction (one commit per
    callback: Meta retries whatever we fail to answer 200); what it held."""
    payload = json.loads(raw)
    with transaction.atomic():
        return _ingest(payload)


def _ingest(payload: dict[str, Any]) -> dict[str, int]:
    counts = {"statuses": 0, "replies": 0}
    stored: list[WebhookEvent] = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for item in value.get("statuses") or []:
                stored.append(
                    WebhookEvent(
                        provider_message_id=str(item.get("id", ""))[:128],
                        status=str(item.get("status", ""))[:20],
                        timestamp=int(item.get("timestamp") or 0),
                        callback_data=str(item.get("biz_opaque_callback_data") or "")[:512],
                        payload=item,
                    )
                )
            for message in value.get("messages") or []:
                reply_receive(message)
                counts["replies"] += 1
    if stored:
        WebhookEvent.objects.bulk_create(stored, ignore_conflicts=True)
        counts["statuses"] = webhook_process_pending(
            keys=[(e.provider_message_id, e.status, e.timestamp) for e in stored]
        )
    return counts


def webhook_process_pending(*, keys: list[tuple[str, str, int]] | None = None, limit: int = 1000) -> int:
    """Apply stored, unprocessed status events (those of one request, or any left over
    by a crash). Each is claimed by a conditional UPDATE, so it is applied once."""
    events = WebhookEvent.objects.filter(processed_at__isnull=True)
    if keys is not None:
        ids = {k[0] for k in keys}
        events = events.filter(provider_message_id__in=ids)
    applied = 0
    for event in events.order_by("timestamp", "id")[:limit]:
        now = timezone.now()
        if not WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(processed_at=now):
            continue
        outcome = status_apply(event)
        WebhookEvent.objects.filter(pk=event.pk).update(outcome=outcome)
        applied += 1
    return applied


def _row_for(event: WebhookEvent) -> OutboxMessage | None:
    if event.callback_data.isdigit():
        row = OutboxMessage.objects.filter(pk=int(event.callback_data)).first()
        if row is not None and row.provider_message_id in ("", event.provider_message_id):
            return row
    if event.provider_message_id:
        return OutboxMessage.objects.filter(provider_message_id=event.provider_message_id).first()
    return None


def status_apply(event: WebhookEvent) -> str:
    """Move the row forward to the reported status; what happened, for the record."""
    target = FORWARD.get(event.status)
    row = _row_for(event)
    if row is None:
        return "unknown_message"
    if target is None:
        return "unknown_status"
    if not row.provider_message_id:
        OutboxMessage.objects.filter(pk=row.pk, provider_message_id="").update(
            provider_message_id=event.provider_message_id
        )
    fields: dict[str, Any] = {}
    errors = event.payload.get("errors") or []
    code = str(errors[0].get("code", "")) if errors else ""
    if target == Status.FAILED:
        fields = {"error_code": code[:20], "error_detail": json.dumps(errors)[:2000]}
    if not move(row.pk, target, **fields):
        return "stale"  # already further along (or not in a state this status follows)
    if target == Status.FAILED and code.isdigit() and int(code) in PERMANENT_CODES:
        outbox_fallback_sms(row, code)
    return "applied"


def reply_receive(message: dict[str, Any]) -> InboundMessage:
    """An inbound WhatsApp message: its text (typed, or a quick-reply button's) goes to
    the inbox's receiver (inbox/receive.py: matching, keywords, automatic answers)."""
    text = (
        (message.get("text") or {}).get("body")
        or (message.get("button") or {}).get("text")
        or ((message.get("interactive") or {}).get("button_reply") or {}).get("title")
        or ""
    )
    return inbound_receive(
        channel=Channel.WHATSAPP,
        message_id=str(message.get("id", "")),
        from_number=str(message.get("from", "")),
        text=str(text),
        payload=message,
    )
