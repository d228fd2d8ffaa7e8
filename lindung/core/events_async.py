"""Delivering events to asynchronous subscribers after commit, at least once.

Each subscriber has a cursor row: the (transaction id, event id) of the last event it
handled. Event ids alone are not a safe cursor on PostgreSQL: a long transaction (an
import) takes its ids early and commits late, after later ids were read, and a cursor
past them would skip its events for good. So events are read in (txid, id) order and
only from transactions older than the oldest one still running
(``txid_snapshot_xmin``): none of those can add another event before the cursor. SQLite
runs one writer at a time, so ids are already in commit order there (txid is 0).

A batch is handled and the cursor moved in one transaction, so a crash repeats at most
that batch; handlers must be idempotent. A handler that raises stops its subscriber
(the error is kept on the cursor and logged) and is retried at the next delivery.
"""

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .events import async_subscribers
from .models import DomainEvent, SubscriberCursor

logger = logging.getLogger(__name__)
BATCH = 500
TASK_NAME = "lindung.core.deliver_events"


def _pending(cursor: SubscriberCursor, kinds: frozenset[str], limit: int) -> QuerySet[DomainEvent]:
    events = DomainEvent.objects.all()
    if connection.vendor == "postgresql":
        events = events.filter(
            Q(txid__gt=cursor.last_txid) | Q(txid=cursor.last_txid, id__gt=cursor.last_event_id),
            txid__lt=RawSQL("txid_snapshot_xmin(txid_current_snapshot())", []),
        ).order_by("txid", "id")
    else:
        events = events.filter(id__gt=cursor.last_event_id).order_by("id")
    if "*" not in kinds:
        events = events.filter(kind__in=sorted(kinds))
    return events[:limit]


def _cursor(name: str) -> SubscriberCursor | None:
    """The subscriber's cursor, locked; None while another runner holds it."""
    try:
        with transaction.atomic():
            SubscriberCursor.objects.get_or_create(name=name)
    except IntegrityError:  # made by a concurrent runner a moment ago
        pass
    locking = SubscriberCursor.objects.filter(name=name)
    if connection.features.has_select_for_update_skip_locked:
        locking = locking.select_for_update(skip_locked=True)
    return locking.first()


def deliver(name: str, *, batch: int = BATCH) -> int:
    """Hand the subscriber its pending events, batch after batch; how many it handled."""
    subscriber = async_subscribers()[name]
    handled = 0
    while True:
        try:
            with transaction.atomic():
                cursor = _cursor(name)
                if cursor is None:
                    return handled
                events = list(_pending(cursor, subscriber.kinds, batch))
                for event in events:
                    subscriber.handler(event)
                if events:
                    last = events[-1]
                    cursor.last_txid, cursor.last_event_id = last.txid, last.pk
                    cursor.delivered += len(events)
                    cursor.last_error = ""
                    cursor.save()
        except Exception as exc:
            logger.exception("event subscriber %s failed; it will be retried", name)
            SubscriberCursor.objects.filter(name=name).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
            return handled
        handled += len(events)
        if len(events) < batch:
            return handled


def deliver_all() -> dict[str, int]:
    return {name: deliver(name) for name in sorted(async_subscribers())}


def kick() -> None:
    """After a commit that wrote events someone listens to: deliver them soon."""
    mode = settings.LINDUNG_JOBS_MODE
    if mode == "celery":
        from celery import current_app

        current_app.send_task(TASK_NAME)
    elif mode == "thread":
        threading.Thread(target=_deliver_in_thread, daemon=True, name="events").start()
    else:  # inline (tests)
        deliver_all()


def _deliver_in_thread() -> None:
    try:
        deliver_all()
    finally:
        connection.close()
