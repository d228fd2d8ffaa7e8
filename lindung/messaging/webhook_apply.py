"""Status callbacks applied in batches (MSG-5). The webhook request only stores the raw
callbacks (one INSERT, unique per message, status and timestamp, so a retry by Meta is
stored once) and answers 200; this applies what is stored, many at a time.

One batch is one transaction: claim pending events (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two appliers take disjoint events), lock their outbox rows (in id order,
so appliers and the dispatcher never deadlock), walk the events in timestamp order
through the outbox's status table in memory (forward only: a late "delivered" after
"read" is stale), then write every changed row with one UPDATE and every event's
outcome with another. A crash rolls the claim back with the changes, so each event is
applied exactly once; applying it twice would change nothing anyway."""

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .bulk import update_from_values
from .models import OutboxMessage, Status, WebhookEvent
from .outbox import TIME_FIELD, TRANSITIONS, outbox_fallback_sms
from .providers import PERMANENT_CODES

logger = logging.getLogger(__name__)
TASK_NAME = "lindung.messaging.apply_webhooks"
FORWARD = {"sent": Status.SENT, "delivered": Status.DELIVERED, "read": Status.READ, "failed": Status.FAILED}
ROW_FIELDS = [
    "status",
    "status_at",
    "sent_at",
    "delivered_at",
    "read_at",
    "provider_message_id",
    "error_code",
    "error_detail",
    "leased_until",
]


@dataclass
class _Row:
    message: OutboxMessage
    changed: bool = False
    fallback_code: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def webhook_apply_pending(*, limit: int = 2000) -> int:
    """Apply one batch of stored, unprocessed status events; how many were taken."""
    with transaction.atomic():
        pending = WebhookEvent.objects.filter(processed_at__isnull=True).order_by("timestamp", "id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        events = list(pending[:limit])
        if not events:
            return 0
        rows = _lock_rows(events)
        now = timezone.now()
        outcomes = {event.pk: _apply(event, rows, now) for event in events}
        changed = {r.message.pk: r for r in rows.values() if r.changed}
        update_from_values(
            OutboxMessage,
            {pk: [getattr(r.message, f) for f in ROW_FIELDS] for pk, r in changed.items()},
            ROW_FIELDS,
        )
        update_from_values(
            WebhookEvent, {pk: (now, outcome) for pk, outcome in outcomes.items()}, ["processed_at", "outcome"]
        )
        for row in changed.values():
            if row.fallback_code:
                outbox_fallback_sms(row.message, row.fallback_code)
    return len(events)


def webhook_apply_all(*, limit: int = 2000) -> int:
    total = 0
    while taken := webhook_apply_pending(limit=limit):
        total += taken
    return total


def _lock_rows(events: list[WebhookEvent]) -> dict[str, _Row]:
    """The outbox rows the events name, locked, by "id:<pk>" and "mid:<provider id>"."""
    pks = {int(e.callback_data) for e in events if e.callback_data.isdigit()}
    mids = {e.provider_message_id for e in events if e.provider_message_id}
    found = OutboxMessage.objects.filter(Q(pk__in=pks) | Q(provider_message_id__in=mids)).order_by("pk")
    if connection.vendor == "postgresql":
        found = found.select_for_update(of=("self",))
    rows: dict[str, _Row] = {}
    for message in found:
        row = _Row(message)
        rows[f"id:{message.pk}"] = row
        if message.provider_message_id:
            rows[f"mid:{message.provider_message_id}"] = row
    return rows


def _row_for(event: WebhookEvent, rows: dict[str, _Row]) -> _Row | None:
    """By the callback data (the row id we sent) unless that row already carries another
    message's id; else by the provider's message id."""
    if event.callback_data.isdigit():
        row = rows.get(f"id:{event.callback_data}")
        if row is not None and row.message.provider_message_id in ("", event.provider_message_id):
            return row
    if event.provider_message_id:
        return rows.get(f"mid:{event.provider_message_id}")
    return None


def _apply(event: WebhookEvent, rows: dict[str, _Row], now: Any) -> str:
    target = FORWARD.get(event.status)
    row = _row_for(event, rows)
    if row is None:
        return "unknown_message"
    if target is None:
        return "unknown_status"
    message = row.message
    if not message.provider_message_id:
        message.provider_message_id = event.provider_message_id
        rows[f"mid:{event.provider_message_id}"] = row
        row.changed = True
    if message.status not in TRANSITIONS[target]:
        return "stale"  # already further along (or not in a state this status follows)
    message.status, message.status_at, message.leased_until = target, now, None
    if target in TIME_FIELD:
        setattr(message, TIME_FIELD[target], now)
    if target == Status.FAILED:
        errors = event.payload.get("errors") or []
        code = str(errors[0].get("code", "")) if errors else ""
        message.error_code, message.error_detail = code[:20], json.dumps(errors)[:2000]
        if code.isdigit() and int(code) in PERMANENT_CODES:
            row.fallback_code = code
    row.changed = True
    return "applied"


# --- running it ------------------------------------------------------------------------

_thread_lock = threading.Lock()
CELERY_KICK_INTERVAL = 0.5  # seconds
_last_celery_kick = 0.0


def after_store() -> None:
    """Callbacks were just stored in the current transaction: apply them after commit
    (inline mode, tests and one-off commands: right now, in the same transaction)."""
    if settings.LINDUNG_JOBS_MODE == "inline":
        webhook_apply_all()
    else:
        transaction.on_commit(kick)


def kick() -> None:
    """Callbacks were stored: apply them soon (Celery, a thread, or now in tests)."""
    global _last_celery_kick
    mode = settings.LINDUNG_JOBS_MODE
    if mode == "celery":
        # One task per burst, not per callback (a broker round trip each): the task
        # applies until nothing is pending, and beat picks up whatever a skipped kick
        # would have within 10 s.
        now = time.monotonic()
        if now - _last_celery_kick < CELERY_KICK_INTERVAL:
            return
        _last_celery_kick = now
        from celery import current_app

        current_app.send_task(TASK_NAME)
    elif mode == "thread":
        threading.Thread(target=_apply_in_thread, daemon=True, name="webhooks").start()
    else:
        webhook_apply_all()


def _apply_in_thread() -> None:
    if not _thread_lock.acquire(blocking=False):
        return  # the running thread picks the new callbacks up in its next batch
    try:
        webhook_apply_all()
    except Exception:
        logger.exception("applying stored webhooks failed; the next kick or beat retries")
    finally:
        _thread_lock.release()
        # A kick that came while this thread was finishing found the lock taken.
        again = WebhookEvent.objects.filter(processed_at__isnull=True).exists()
        close_old_connections()
    if again:
        _apply_in_thread()
