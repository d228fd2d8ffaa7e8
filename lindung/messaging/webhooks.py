"""WhatsApp webhooks (MSG-5, MSG-9): signature check, raw storage and status updates,
and inbound replies.

Every status callback is stored raw under a unique (message id, status, timestamp), so
a duplicate delivery is kept once, and the request answers; webhook_apply.py applies the
stored callbacks in batches after commit (inline in tests, a thread in `make run`, Celery
in production), forward only, each exactly once. Replies go to the inbox's receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.utils import CursorWrapper
from django.db.models.constants import OnConflict
from django.utils import timezone

from . import webhook_apply
from .inbox.receive import inbound_receive
from .models import Channel, InboundMessage, WebhookEvent

logger = logging.getLogger(__name__)


def signature_valid(raw: bytes, header: str | None, secret: str) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
    secret>``, compared in constant time. No secret configured: nothing is valid."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def webhook_post(length_header: str | None, read: Callable[[int], bytes], signature: str | None) -> int:
    """A callback POST, as the Django view and the lean WSGI path (webhook_wsgi.py) both
    receive it: the size limit, the whole body read, the signature checked in constant
    time, the body stored before answering. The HTTP status to answer."""
    messaging = settings.LINDUNG_MESSAGING
    limit = int(messaging["WEBHOOK_MAX_BYTES"])
    try:
        length = int(length_header or 0)
    except ValueError:
        length = limit + 1
    if length > limit or length < 0:
        return 413
    raw = read(length)
    if not signature_valid(raw, signature, str(messaging["WHATSAPP"]["app_secret"])):
        return 403
    try:
        webhook_ingest(raw)
    except (ValueError, TypeError, AttributeError):
        logger.warning("malformed WhatsApp webhook (%s bytes)", len(raw))
        return 400
    return 200


def webhook_ingest(raw: bytes) -> dict[str, int]:
    """Store one verified webhook body and have its statuses applied after commit; what
    it held. The whole body is read before anything is written, so a malformed one
    stores nothing (400, and Meta retries). All its statuses go in one INSERT; each reply
    is kept in its own transaction. A retry after a partial failure repeats nothing:
    statuses and replies are unique by their ids."""
    statuses, messages = _parse(json.loads(raw))
    if statuses:
        # Stored raw (a duplicate is ignored by the unique key) and applied in batches
        # after commit (webhook_apply.py).
        _store(statuses)
        webhook_apply.after_store()
    for message in messages:
        reply_receive(message)
    return {"statuses": len(statuses), "replies": len(messages)}


class StatusCallback(NamedTuple):
    """One status of a callback, as stored (the WebhookEvent columns it fills)."""

    provider_message_id: str
    status: str
    timestamp: int
    callback_data: str
    payload: dict[str, Any]


def _store(statuses: list[StatusCallback]) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` of every status, one statement that commits
    itself (outside a transaction; inside one, part of it): one round trip, where
    bulk_create wraps even one row in BEGIN and COMMIT, three. The statement is built
    once per row count, and the values go in without a model instance per row. The
    columns a callback does not carry take what bulk_create would give them: the time
    now for ``auto_now_add``, else the field's default."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: each of its attributes is a lookup
    now = timezone.now()
    params: list[Any] = []
    columns = _columns()
    once = [
        None if column.position is not None else column.field.get_db_prep_save(column.initial(now), db)
        for column in columns
    ]
    for status in statuses:
        for column, value in zip(columns, once, strict=True):
            if column.position is None:
                params.append(value)
            elif column.prepare:
                params.append(column.field.get_db_prep_save(status[column.position], db))
            else:
                params.append(status[column.position])
    sql = _insert_sql(db.vendor, len(statuses))
    if db.vendor == "postgresql":
        from .prepared import PreparedCursor

        db.ensure_connection()
        # Django's wrapper (its error classes, the execute wrappers that time queries)
        # around a cursor that binds on the server and prepares the statement once per
        # connection: PostgreSQL then neither parses nor plans it again, and the values
        # are not quoted into the text (BENCHMARKS.md, "Webhooks one status per POST,
        # session 10").
        with CursorWrapper(PreparedCursor(db.connection), db) as cursor:
            cursor.execute(sql, params)
        return
    with db.cursor() as cursor:
        cursor.execute(sql, params)


class _Column(NamedTuple):
    field: models.Field[Any, Any]
    position: int | None  # in StatusCallback; None: a column the callback does not carry
    prepare: bool  # adapted for the database per row (JSON); str and int go in as they are

    def initial(self, now: datetime) -> Any:
        return now if getattr(self.field, "auto_now_add", False) else self.field.get_default()


@lru_cache(maxsize=1)
def _columns() -> list[_Column]:
    carried = StatusCallback._fields
    return [
        _Column(f, carried.index(f.attname) if f.attname in carried else None, isinstance(f, models.JSONField))
        for f in WebhookEvent._meta.concrete_fields
        if not f.primary_key
    ]


@lru_cache(maxsize=64)
def _insert_sql(vendor: str, rows: int) -> str:
    """The INSERT of ``rows`` statuses on this connection's database (``vendor`` keys
    the cache)."""
    ops = connection.ops
    fields = [column.field for column in _columns()]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return "{} {} ({}) VALUES {} {}".format(
        ops.insert_statement(on_conflict=OnConflict.IGNORE),
        ops.quote_name(WebhookEvent._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join([row] * rows),
        ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None) or "",
    )


def _parse(payload: dict[str, Any]) -> tuple[list[StatusCallback], list[dict[str, Any]]]:
    statuses: list[StatusCallback] = []
    messages: list[dict[str, Any]] = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for item in value.get("statuses") or []:
                statuses.append(
                    StatusCallback(
                        provider_message_id=str(item.get("id", ""))[:128],
                        status=str(item.get("status", ""))[:20],
                        timestamp=int(item.get("timestamp") or 0),
                        callback_data=str(item.get("biz_opaque_callback_data") or "")[:512],
                        payload=item,
                    )
                )
            messages.extend(m for m in value.get("messages") or [] if isinstance(m, dict))
    return statuses, messages


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
